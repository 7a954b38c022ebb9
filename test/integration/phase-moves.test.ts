import type { Command } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { converged, createRoom, join, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/**
 * PH-4 over the live protocol: the same move sent twice at once (a double-click, or two people) is
 * applied once; the other copy is `stale_move` and changes nothing.
 */
describe('one move per intent over the live protocol', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
  });

  /** Two copies of one command at once, with distinct ids (two clicks): exactly one is accepted. */
  async function twice(a: TestParticipant, b: TestParticipant, command: Command): Promise<void> {
    const version = a.view!.version;
    const acks = await Promise.all([a.send(command), b.send(command)]);
    const accepted = acks.filter((ack) => ack.ok);
    expect(accepted).toHaveLength(1);
    expect(acks.find((ack) => !ack.ok)).toMatchObject({ ok: false, error: { code: 'stale_move' } });
    await converged([a, b]);
    expect(a.view!.version).toBe(version + 1);
  }

  it('[PH-4] next_phase, previous_phase and jump_phase from the same phase move a codev room once', async () => {
    const { code, facilitatorKey } = await createRoom(server.url, { template: 'codev' });
    const f = await join(server.url, { code, name: 'Fanny', facilitatorKey: facilitatorKey! }, 'f');
    const c = await join(server.url, { code, name: 'Claire' }, 'c');
    const a = await join(server.url, { code, name: 'Anne' }, 'a');
    const b = await join(server.url, { code, name: 'Bruno' }, 'b');
    people.push(f, c, a, b);
    await f.must({ type: 'assign_role', participantId: c.participantId, role: 'client' });
    await f.must({ type: 'start' });
    await converged([f, c, a, b]);

    // One facilitator, a double-click: both copies leave from phase 0.
    await twice(f, f, { type: 'next_phase', from: 0 });
    expect(f.view!.phaseIndex).toBe(1);
    await twice(f, f, { type: 'next_phase', from: 1 });
    expect(f.view!.phaseIndex).toBe(2);
    await twice(f, f, { type: 'previous_phase', from: 2 });
    expect(f.view!.phaseIndex).toBe(1);
    await twice(f, f, { type: 'jump_phase', from: 1, index: 4 });
    expect(f.view!.phaseIndex).toBe(4);
    // A late copy after the room moved on is still stale, whatever happened in between.
    expect(await f.send({ type: 'next_phase', from: 1 })).toMatchObject({
      ok: false,
      error: { code: 'stale_move' },
    });
    await converged([f, c, a, b]);
    expect(c.view!.phaseIndex).toBe(4);
  });

  it('[PH-4] both partners of a pair pressing "next" or "swap" together move the pair once', async () => {
    const { code } = await createRoom(server.url, { template: 'peer-coaching' });
    const ana = await join(server.url, { code, name: 'Ana' }, 'Ana');
    const ben = await join(server.url, { code, name: 'Ben' }, 'Ben');
    people.push(ana, ben);
    await ana.must({ type: 'start' });
    await converged([ana, ben]);
    await twice(ana, ben, { type: 'next_phase', from: 0 });
    expect(ben.view!.phaseIndex).toBe(1);
    const last = ana.view!.phases.length - 1;
    await ana.must({ type: 'jump_phase', from: 1, index: last });
    await converged([ana, ben]);
    await twice(ana, ben, { type: 'swap_roles', round: 1 });
    expect(ana.view!.coachingRound).toBe(2);
  });
});
