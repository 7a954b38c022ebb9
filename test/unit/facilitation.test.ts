import {
  type Command,
  cardOf,
  decide,
  type EngineCommand,
  keysOf,
  MAX_PARTICIPANTS,
  permits,
  postableKinds,
  publicView,
  type Room,
  remainingMs,
} from '@cercle/shared';
import { describe, expect, it } from 'vitest';
import { cloneRoom, codevRoom, goToPhase, Host, pairRoom } from './fixtures.js';

const MIN = 60_000;

/** The answer `decide` gives, without keeping the room it would make. */
function answer(room: Room, actor: string, command: EngineCommand, now: number): string {
  let n = 0;
  const decision = decide(room, command, { actor, now, newId: () => `probe${++n}` });
  return decision.ok ? 'accepted' : decision.code;
}

describe('one move per intent', () => {
  it('[PH-4] two next_phase from the same phase move the room once; the late one is stale_move', () => {
    const host = codevRoom();
    const from = host.room.phaseIndex;
    host.ok('f', { type: 'next_phase', from });
    const after = cloneRoom(host.room);
    host.refused('f', { type: 'next_phase', from }, 'stale_move');
    expect(host.room).toEqual(after);
    expect(host.room.phaseIndex).toBe(from + 1);
  });

  it('[PH-4] a late move into the last phase is stale, not out of range', () => {
    const host = codevRoom();
    goToPhase(host, 'synthesis');
    const from = host.room.phaseIndex;
    host.ok('f', { type: 'next_phase', from });
    expect(host.room.phaseIndex).toBe(host.room.phases.length - 1);
    host.refused('f', { type: 'next_phase', from }, 'stale_move');
  });

  it('[PH-4] previous_phase and jump_phase from the same phase move once', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    const from = host.room.phaseIndex;
    host.ok('f', { type: 'previous_phase', from });
    host.refused('f', { type: 'previous_phase', from }, 'stale_move');
    expect(host.room.phaseIndex).toBe(from - 1);
    const here = host.room.phaseIndex;
    host.ok('f', { type: 'jump_phase', from: here, index: 5 });
    host.refused('f', { type: 'jump_phase', from: here, index: 5 }, 'stale_move');
    host.refused('f', { type: 'jump_phase', from: here, index: 0 }, 'stale_move');
    expect(host.room.phaseIndex).toBe(5);
  });

  it('[PH-4] two partners pressing "next" together, or swapping twice, move the pair once', () => {
    const host = pairRoom();
    const from = host.room.phaseIndex;
    host.ok('e', { type: 'next_phase', from });
    host.refused('o', { type: 'next_phase', from }, 'stale_move');
    host.ok('e', { type: 'jump_phase', from: host.room.phaseIndex, index: host.room.phases.length - 1 });
    host.ok('o', { type: 'swap_roles', round: 1 });
    const swapped = cloneRoom(host.room);
    host.refused('e', { type: 'swap_roles', round: 1 }, 'stale_move');
    expect(host.room).toEqual(swapped);
    expect(host.room.coachingRound).toBe(2);
  });
});

describe('each phase keeps its own clock', () => {
  it('[PH-5] going back resumes the countdown where it was, pauses excluded', () => {
    const host = codevRoom();
    const first = host.room.phases[0]!.durationMs;
    host.advance(4 * MIN);
    host.ok('f', { type: 'pause_timer' });
    host.advance(10 * MIN); // paused: not spent
    host.ok('f', { type: 'resume_timer' });
    host.advance(MIN);
    host.ok('f', { type: 'next_phase', from: 0 });
    host.advance(3 * MIN);
    host.ok('f', { type: 'previous_phase', from: 1 });
    expect(remainingMs(host.room.timer!, host.now)).toBe(first - 5 * MIN);
    // The phase timer fires at its resumed deadline, not at a full timebox.
    const decision = host.ok('f', { type: 'next_phase', from: 0 });
    expect(remainingMs(host.room.timer!, host.now)).toBe(host.room.phases[1]!.durationMs - 3 * MIN);
    expect(decision.effects).toEqual([
      {
        type: 'schedule_timer',
        timerId: host.room.timer!.timerId,
        at: host.now + remainingMs(host.room.timer!, host.now),
      },
    ]);
  });

  it('[PH-5] time added to a phase stays with it; a phase left in overtime comes back expired, with no firing', () => {
    const host = codevRoom(true, { autoAdvance: true });
    const first = host.room.phases[0]!.durationMs;
    host.ok('f', { type: 'add_time', ms: 5 * MIN });
    host.advance(2 * MIN);
    host.ok('f', { type: 'next_phase', from: 0 });
    host.ok('f', { type: 'previous_phase', from: 1 });
    expect(remainingMs(host.room.timer!, host.now)).toBe(first + 3 * MIN);
    host.advance(first + 10 * MIN);
    host.ok('f', { type: 'next_phase', from: 0 });
    const back = host.ok('f', { type: 'previous_phase', from: 1 });
    expect(host.room.phaseIndex).toBe(0);
    expect(remainingMs(host.room.timer!, host.now)).toBeLessThan(0);
    expect(host.room.timer!.expiredAt).toBe(host.now);
    // No firing: auto-advance cannot bounce the room forward again.
    expect(back.effects).toEqual([]);
  });

  it('[PH-5] round two of a pair starts each step afresh', () => {
    const host = pairRoom();
    host.advance(MIN);
    host.ok('e', { type: 'jump_phase', from: 0, index: host.room.phases.length - 1 });
    host.ok('e', { type: 'swap_roles', round: 1 });
    host.ok('e', { type: 'jump_phase', from: host.room.phaseIndex, index: 0 });
    expect(remainingMs(host.room.timer!, host.now)).toBe(host.room.phases[0]!.durationMs);
  });
});

/** Every card command a page may draw on a card, for every card, seat and phase. */
const cardCommands = (cardId: string): Command[] => [
  { type: 'edit_card', cardId, text: 'autre texte' },
  { type: 'withdraw_card', cardId },
  { type: 'keep_card', cardId },
  { type: 'set_aside_card', cardId },
  { type: 'reopen_card', cardId },
];

describe('one policy for the page and the engine', () => {
  it('[VW-5] no card button the policy offers is refused, and none it withholds is accepted, in any phase for any role', () => {
    const host = codevRoom(true, { allowAnonymousCards: true });
    const people = Object.keys(host.room.participants);
    // Everyone posts every kind their role may in every phase, some anonymously.
    let n = 0;
    for (let index = 0; index < host.room.phases.length; index++) {
      if (host.room.phaseIndex !== index)
        host.ok('f', { type: 'jump_phase', from: host.room.phaseIndex, index });
      for (const id of people) {
        for (const kind of postableKinds(host.room, host.room.participants[id]!.role)) {
          host.ok(id, { type: 'post_card', kind, text: `carte ${++n}`, anonymous: n % 3 === 0 });
        }
      }
    }
    expect(keysOf(host.room.cards).length).toBeGreaterThan(5);
    let offered = 0;
    for (let index = 0; index < host.room.phases.length; index++) {
      if (host.room.phaseIndex !== index)
        host.ok('f', { type: 'jump_phase', from: host.room.phaseIndex, index });
      const shown = publicView(host.room);
      for (const id of people) {
        const viewer = { id, anonymousCardIds: host.room.participants[id]!.anonymousCardIds };
        for (const card of Object.values(shown.cards)) {
          for (const command of cardCommands(card.id)) {
            const permit = permits(shown, viewer, command);
            const result = answer(host.room, id, command, host.now);
            if (permit === null) offered++;
            expect(result, `${command.type} by ${id} in ${host.phaseId}`).toBe(
              permit ? permit.code : 'accepted',
            );
          }
        }
      }
    }
    expect(offered).toBeGreaterThan(20);
  });

  it('[CD-4][BD-2] consultation: the client is offered neither edit nor withdraw on her own answer, a consultant no edit on his question', () => {
    const host = codevRoom();
    goToPhase(host, 'clarification');
    host.ok('a', { type: 'post_card', kind: 'question', text: 'Qui décide ?' });
    const question = cardOf(host.room.cards, 'id4') ? 'id4' : keysOf(host.room.cards).at(-1)!;
    host.ok('c', { type: 'post_card', kind: 'answer', text: 'Ma directrice.' });
    const answerId = keysOf(host.room.cards).at(-1)!;
    goToPhase(host, 'consultation');
    const shown = publicView(host.room);
    expect(permits(shown, 'c', { type: 'edit_card', cardId: answerId, text: 'x' })?.code).toBe(
      'board_locked_in_phase',
    );
    expect(permits(shown, 'c', { type: 'withdraw_card', cardId: answerId })?.code).toBe(
      'board_locked_in_phase',
    );
    expect(permits(shown, 'a', { type: 'edit_card', cardId: question, text: 'x' })?.code).toBe(
      'board_locked_in_phase',
    );
  });

  it('[FL-2][FL-3] during a round, neither "give the floor" nor "take the floor back" is offered or accepted', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.ok('f', { type: 'start_round', perSpeakerMs: MIN });
    const shown = publicView(host.room);
    for (const command of [
      { type: 'give_floor', participantId: 'b' },
      { type: 'release_floor' },
    ] as Command[]) {
      expect(permits(shown, 'f', command)?.code).toBe('invalid');
      host.refused('f', command, 'invalid');
    }
  });

  it('[BD-4] keep and set aside can be undone: the card is undecided again', () => {
    const host = codevRoom();
    goToPhase(host, 'consultation');
    host.ok('a', { type: 'post_card', kind: 'suggestion', text: 'Parler à Paul' });
    const cardId = keysOf(host.room.cards).at(-1)!;
    goToPhase(host, 'synthesis');
    host.refused('c', { type: 'reopen_card', cardId }, 'invalid');
    host.ok('c', { type: 'keep_card', cardId });
    host.ok('c', { type: 'reopen_card', cardId });
    expect(cardOf(host.room.cards, cardId)?.status).toBe('open');
    host.refused('a', { type: 'reopen_card', cardId }, 'board_locked_in_phase');
  });
});

describe('seats that follow people', () => {
  it('[RM-1] the facilitator key finds its seat in a full room: the old device’s seat is released', () => {
    const host = new Host('custom');
    host.join('f', 'Fanny', true);
    for (let i = 1; i < MAX_PARTICIPANTS; i++) host.join(`p${i}`, `P${i}`);
    host.refused(
      null,
      { type: 'join', participantId: 'late', displayName: 'Late', tokenHash: 't' },
      'room_full',
    );
    host.ok(null, {
      type: 'join',
      participantId: 'f2',
      displayName: 'Fanny (tablette)',
      tokenHash: 'token-f2',
      facilitatorKeyHash: host.key,
    });
    expect(host.room.participants.f2?.role).toBe('facilitator');
    expect(host.room.participants.f?.admission).toBe('released');
  });
});
