import { commandSchema, type EngineCommand, systemCommandSchema } from '@cercle/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealedOf } from '../support/sealed.js';
import { cloneRoom, codevRoom, goToPhase, Host, pairRoom } from './fixtures.js';

/** SPEC EN-6: names of built-in object members, tried in every id field of every command. */
const BUILT_IN_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** The other fields of each command that carries an id, valid enough to reach the id's lookup. */
const rest: Record<string, Record<string, unknown>> = {
  admit: {},
  remove_participant: {},
  assign_role: { role: 'consultant' },
  lower_hand: {},
  give_floor: {},
  edit_card: { text: 'x' },
  withdraw_card: {},
  keep_card: {},
  set_aside_card: {},
  reopen_card: {},
  star_card: {},
  unstar_card: {},
  edit_action: { what: 'x', byWhen: '', withWhom: '' },
  remove_action: {},
  review_indicator: { verdict: 'met', note: '' },
  mark_follow_up: { status: 'done', note: '' },
  vote_topic: {},
  confirm_topic: {},
  logbook_edit: { sealed: sealedOf('x') },
  logbook_delete: {},
  edit_phase: { durationMs: 120_000 },
  move_phase: { toIndex: 0 },
  remove_phase: {},
  join: { displayName: 'Zed', tokenHash: 'token-z' },
  presence: { presence: 'away' },
  time_up: {},
};

type Shape = { shape: Record<string, unknown> & { type: { value: string } } };
const options = [...commandSchema.options, ...systemCommandSchema.options] as unknown as Shape[];
/** Every (command type, id field) pair of the protocol, read from the schemas. */
const idFields = options.flatMap((option) =>
  Object.keys(option.shape)
    .filter((key) => key.endsWith('Id'))
    .map((field) => ({ type: option.shape.type.value, field })),
);

function hostile(type: string, field: string, name: string): EngineCommand {
  return { type, ...rest[type], [field]: name } as EngineCommand;
}

/** Rooms in many states: lobby and every codev phase, a peer-coaching pair, a custom lobby. */
function rooms(): Host[] {
  const hosts: Host[] = [codevRoom(false), pairRoom(), new Host('custom')];
  for (const phase of ['expose', 'clarification', 'consultation', 'synthesis']) {
    const host = codevRoom();
    goToPhase(host, phase);
    hosts.push(host);
  }
  // A circle's session in its follow-up step, and one in its topic round with a case posted (CS-1, CS-3).
  const carried = { ownerName: 'Camille', what: 'x', byWhen: '', withWhom: '', fromSession: 1 };
  const steps = { ...carried, status: 'open' as const, note: '', confidenceThen: null, confidenceNow: null };
  hosts.push(codevRoom(true, { followUp: [{ ...steps, id: 'i1', ownerId: 'c', updatedAt: null }] }));
  const topics = codevRoom(true, { topicRound: true });
  topics.ok('a', { type: 'post_topic', text: 'Un cas' });
  hosts.push(topics);
  const custom = hosts[2]!;
  custom.join('f', 'Fanny', true);
  custom.join('a', 'Alex');
  return hosts;
}

describe('[EN-6] ids that name built-in members', () => {
  it('every command carrying an id is covered here', () => {
    expect(idFields.length).toBeGreaterThan(20);
    for (const { type } of idFields) expect(Object.hasOwn(rest, type), type).toBe(true);
  });

  it('the wire schema refuses them in every id field', () => {
    for (const { type, field } of idFields) {
      for (const name of BUILT_IN_NAMES) {
        const command = hostile(type, field, name);
        const schema = ['join', 'presence', 'time_up'].includes(type) ? systemCommandSchema : commandSchema;
        expect(schema.safeParse(command).success, `${type}.${field}=${name}`).toBe(false);
      }
      // The same command with a plain id passes the schema: the refusal is the id's.
      const schema = ['join', 'presence', 'time_up'].includes(type) ? systemCommandSchema : commandSchema;
      expect(schema.safeParse(hostile(type, field, 'id1')).success, type).toBe(true);
    }
  });

  it('the engine refuses them too, in every room state and from every seat, changing nothing (seeded)', () => {
    const hosts = rooms();
    const actors = (host: Host) => [null, ...Object.keys(host.room.participants)];
    fc.assert(
      fc.property(
        fc.nat(hosts.length - 1),
        fc.nat(20),
        fc.constantFrom(...idFields),
        fc.constantFrom(...BUILT_IN_NAMES),
        (h, a, { type, field }, name) => {
          const host = hosts[h]!;
          const who = actors(host);
          const actor = who[a % who.length]!;
          const before = cloneRoom(host.room);
          const decision = host.try(actor, hostile(type, field, name));
          expect(decision.ok, `${type}.${field}=${name} by ${actor}`).toBe(false);
          expect(host.room).toEqual(before);
        },
      ),
      { seed: 13, numRuns: 3_000 },
    );
    // And exhaustively from the driver of each room.
    for (const host of hosts) {
      const driver = Object.keys(host.room.participants)[0] ?? null;
      for (const { type, field } of idFields) {
        for (const name of BUILT_IN_NAMES) {
          const version = host.room.version;
          const decision = host.try(driver, hostile(type, field, name));
          expect(decision.ok, `${type}.${field}=${name}`).toBe(false);
          expect(host.room.version).toBe(version);
        }
      }
    }
    expect(({} as Record<string, unknown>).status).toBeUndefined();
  });
});
