import { type Command, createRoom, decide, type Room } from '@cercle/shared';
import { bench, describe } from 'vitest';

/** A running codev room of 10 people with 200 cards on the board, in consultation. */
function busyRoom(): { room: Room; newId: () => string; now: number } {
  let n = 0;
  const newId = () => `b${++n}`;
  let now = 1_000_000;
  let room = createRoom({ code: 'BENCH01', templateId: 'codev', facilitatorKeyHash: 'key' }, now);
  const run = (actor: string | null, command: Parameters<typeof decide>[1]) => {
    const decision = decide(room, command, { actor, now, newId });
    if (!decision.ok) throw new Error(`${command.type}: ${decision.code}`);
    room = decision.room;
  };
  run(null, {
    type: 'join',
    participantId: 'f',
    displayName: 'F',
    tokenHash: 'tf',
    facilitatorKeyHash: 'key',
  });
  for (let i = 0; i < 9; i++)
    run(null, { type: 'join', participantId: `p${i}`, displayName: `P${i}`, tokenHash: `t${i}` });
  run('f', { type: 'assign_role', participantId: 'p0', role: 'client' });
  run('f', { type: 'start' });
  run('f', { type: 'jump_phase', from: 0, index: 3 });
  for (let i = 0; i < 200; i++) {
    now += 10;
    run(`p${1 + (i % 8)}`, { type: 'post_card', kind: 'suggestion', text: `Suggestion numéro ${i}` });
  }
  return { room, newId, now };
}

const base = busyRoom();
const mixed: Array<[string, Command]> = [
  ['p1', { type: 'raise_hand' }],
  ['f', { type: 'give_floor' }],
  ['p2', { type: 'edit_card', cardId: 'b30', text: 'Suggestion reformulée' }],
  ['p3', { type: 'logbook_add', text: 'Une note pour moi' }],
  ['p4', { type: 'post_card', kind: 'suggestion', text: 'Une idée de plus' }],
  ['f', { type: 'add_time', ms: 60_000 }],
  ['p0', { type: 'post_card', kind: 'suggestion', text: 'Refusé: le client écoute' }],
  ['f', { type: 'release_floor' }],
];

describe('engine throughput, 10 people and 200 cards', () => {
  let room = base.room;
  let i = 0;
  bench('decide: a mix of accepted and refused commands', () => {
    const [actor, command] = mixed[i++ % mixed.length]!;
    const decision = decide(room, command, { actor, now: base.now + i, newId: base.newId });
    // Keep the room from growing without bound: restart from the busy room every lap.
    room = decision.ok && i % mixed.length !== 0 ? decision.room : base.room;
  });

  bench('decide: post a card (accepted)', () => {
    decide(
      base.room,
      { type: 'post_card', kind: 'suggestion', text: 'Idée' },
      { actor: 'p5', now: base.now, newId: base.newId },
    );
  });

  bench('decide: client card in consultation (refused)', () => {
    decide(
      base.room,
      { type: 'post_card', kind: 'suggestion', text: 'Non' },
      { actor: 'p0', now: base.now, newId: base.newId },
    );
  });
});
