import {
  type CreateRoomInput,
  createRoom,
  type Decision,
  decide,
  type EngineCommand,
  type Room,
  recordOf,
  type TemplateId,
} from '@cercle/shared';
import { expect } from 'vitest';

/**
 * A deep copy of a room to compare it with later (EN-2): `structuredClone` but for the card map, copied
 * as the plain record it stands for (a clone cannot see the map's private fields).
 */
export const cloneRoom = (room: Room): Room =>
  structuredClone({ ...room, cards: { ...recordOf(room.cards) } });

/** A deterministic host for the engine: a clock the test moves and ids that count up. */
export class Host {
  now = 1_000_000;
  private next = 0;
  room: Room;
  readonly key = 'facilitator-key-hash';
  /** The host's grace period for dropped seats (RM-7); undefined leaves the engine's default. */
  seatGraceMs: number | undefined;

  constructor(templateId: TemplateId, options: Partial<CreateRoomInput> = {}) {
    this.room = createRoom(
      { code: 'ROOM123', templateId, facilitatorKeyHash: this.key, ...options },
      this.now,
    );
  }

  newId = (): string => `id${++this.next}`;

  /** Run a command; accepted decisions are kept as the new room. */
  try(actor: string | null, command: EngineCommand): Decision {
    const decision = decide(this.room, command, {
      actor,
      now: this.now,
      newId: this.newId,
      ...(this.seatGraceMs === undefined ? {} : { seatGraceMs: this.seatGraceMs }),
    });
    if (decision.ok) this.room = decision.room;
    return decision;
  }

  /** Run a command that must be accepted. */
  ok(actor: string | null, command: EngineCommand): Extract<Decision, { ok: true }> {
    const decision = this.try(actor, command);
    if (!decision.ok) throw new Error(`refused ${command.type}: ${decision.code} ${decision.message}`);
    return decision;
  }

  /** Run a command that must be refused with `code`, and check that nothing changed. */
  refused(actor: string | null, command: EngineCommand, code: string): void {
    const before = cloneRoom(this.room);
    const decision = this.try(actor, command);
    expect(decision.ok ? 'accepted' : decision.code).toBe(code);
    expect(this.room).toEqual(before);
  }

  join(id: string, name = id, withKey = false): void {
    this.ok(null, {
      type: 'join',
      participantId: id,
      displayName: name,
      tokenHash: `token-${id}`,
      ...(withKey ? { facilitatorKeyHash: this.key } : {}),
    });
  }

  advance(ms: number): void {
    this.now += ms;
  }

  get phaseId(): string {
    return this.room.phases[this.room.phaseIndex]!.id;
  }
}

/** A codev room with a facilitator `f`, a client `c` and consultants `a`, `b`, `d`; optionally started. */
export function codevRoom(started = true, options: Partial<CreateRoomInput> = {}): Host {
  const host = new Host('codev', options);
  host.join('f', 'Fanny', true);
  host.join('c', 'Camille');
  host.join('a', 'Alex');
  host.join('b', 'Bea');
  host.join('d', 'Dom');
  host.ok('f', { type: 'assign_role', participantId: 'c', role: 'client' });
  if (started) host.ok('f', { type: 'start' });
  return host;
}

/** Move a started room to the phase with this id. */
export function goToPhase(host: Host, phaseId: string, driver = 'f'): void {
  const index = host.room.phases.findIndex((phase) => phase.id === phaseId);
  if (index < 0) throw new Error(`no phase ${phaseId}`);
  if (host.room.phaseIndex !== index)
    host.ok(driver, { type: 'jump_phase', from: host.room.phaseIndex, index });
}

/** A peer-coaching pair: `e` (coachee, joined first) and `o` (coach); optionally started. */
export function pairRoom(started = true): Host {
  const host = new Host('peer-coaching', { facilitatorKeyHash: null });
  host.join('e', 'Eve');
  host.join('o', 'Olga');
  if (started) host.ok('e', { type: 'start' });
  return host;
}
