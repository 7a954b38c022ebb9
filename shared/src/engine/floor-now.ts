import { admittedSeats, currentPhase, type RulesView } from './permissions.js';
import type { ParticipantId } from './room.js';
import type { Role } from './template.js';

/**
 * FL-4: who speaks now, as one person should read it, from the phase's floor roles (CD-*, PC-2, TR-*) and
 * the floor's state (a speaker given the floor, raised hands, a round; FL-1..3, TM-6). The page words it;
 * a table-driven test checks it for every method, phase, role and floor state.
 *
 * - `you`: the viewer speaks now: given the floor, their turn in a round, or the only person the phase
 *   gives the floor to.
 * - `speaker`: someone else holds the floor (`via` given or round); `me` says what the viewer does
 *   meanwhile: wait for their turn in the round (`turns` speakers away), queue with a raised hand
 *   (`position`), raise a hand, listen, or keep the frame (the key seat, when the phase does not give it
 *   the floor).
 * - `open`: nobody holds the floor; `roles` are those the phase gives it to (with someone seated). `me`:
 *   `shared` when the viewer's role has it alongside people of another role, `in_turn` when only people
 *   of the viewer's own role have it (four consultants: one at a time), `listen` or `facilitate` when the
 *   viewer's role does not have it.
 * - `idle`: before the start and after the end.
 */
export type FloorNow =
  | { kind: 'idle' }
  | { kind: 'you'; via: 'given' | 'round' | 'alone' }
  | {
      kind: 'speaker';
      speakerId: ParticipantId;
      via: 'given' | 'round';
      me:
        | { kind: 'wait_turn'; turns: number }
        | { kind: 'had_turn' }
        | { kind: 'hand_raised'; position: number }
        | { kind: 'may_raise' }
        | { kind: 'listen' }
        | { kind: 'facilitate' };
    }
  | { kind: 'open'; roles: Role[]; me: 'shared' | 'in_turn' | 'listen' | 'facilitate' };

export function floorNow(view: RulesView, viewerId: ParticipantId): FloorNow {
  if (view.status !== 'running') return { kind: 'idle' };
  const seat = Object.hasOwn(view.participants, viewerId) ? view.participants[viewerId] : undefined;
  const role = seat?.admission === 'admitted' ? seat.role : null;
  const phase = currentPhase(view);
  const mayHold = role !== null && phase.floor.includes(role);
  const keeper = role !== null && role === view.template.keyRole && !mayHold;
  const { round, speakerId, hands } = view.floor;

  if (round) {
    const speaker = round.order[round.index];
    if (speaker !== undefined) {
      if (speaker === viewerId) return { kind: 'you', via: 'round' };
      const mine = round.order.indexOf(viewerId);
      const me =
        mine > round.index
          ? ({ kind: 'wait_turn', turns: mine - round.index } as const)
          : mine >= 0
            ? ({ kind: 'had_turn' } as const)
            : keeper
              ? ({ kind: 'facilitate' } as const)
              : ({ kind: 'listen' } as const);
      return { kind: 'speaker', speakerId: speaker, via: 'round', me };
    }
  }

  if (speakerId !== null) {
    if (speakerId === viewerId) return { kind: 'you', via: 'given' };
    const position = hands.indexOf(viewerId);
    const me =
      position >= 0
        ? ({ kind: 'hand_raised', position: position + 1 } as const)
        : mayHold
          ? ({ kind: 'may_raise' } as const)
          : keeper
            ? ({ kind: 'facilitate' } as const)
            : ({ kind: 'listen' } as const);
    return { kind: 'speaker', speakerId, via: 'given', me };
  }

  const holders = admittedSeats(view).filter((p) => phase.floor.includes(p.role));
  const roles = phase.floor.filter((r) => holders.some((p) => p.role === r));
  if (!mayHold) return { kind: 'open', roles, me: keeper ? 'facilitate' : 'listen' };
  const others = holders.filter((p) => p.id !== viewerId);
  if (others.length === 0) return { kind: 'you', via: 'alone' };
  const otherRole = others.some((p) => p.role !== role);
  return { kind: 'open', roles, me: otherRole ? 'shared' : 'in_turn' };
}
