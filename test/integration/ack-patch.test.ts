import type { RoomPatch } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, join, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/**
 * SC-7: the connection that sent a command gets the patch of its write in the acknowledgement, and not
 * as a `room:patch` of its own; every other connection of the room, the sender's other tabs included,
 * gets the same patch as a `room:patch`.
 */
describe('the sender gets its patch in the acknowledgement [SC-7]', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  let code = '';
  let facilitator: TestParticipant;
  let client: TestParticipant;
  let poster: TestParticipant;
  let posterOtherTab: TestParticipant;

  beforeAll(async () => {
    server = await startTestServer();
    const room = await createRoom(server.url, { template: 'codev' });
    code = room.code;
    facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey: room.facilitatorKey! }, 'f');
    client = await join(server.url, { code, name: 'Claire' }, 'client');
    poster = await join(server.url, { code, name: 'Paul' }, 'poster');
    posterOtherTab = await join(server.url, { code, resumeToken: poster.resumeToken }, 'poster-tab');
    const other = await join(server.url, { code, name: 'Carl' }, 'other');
    people.push(facilitator, client, poster, posterOtherTab, other);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    const version = await facilitator.must({ type: 'next_phase', from: 0 });
    await Promise.all(people.map((p) => p.reach(version)));
  });

  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
  });

  it('one frame for the sender: the acknowledgement carries the patch the others get as room:patch [SC-7]', async () => {
    const events: RoomPatch[] = [];
    poster.socket.on('room:patch', (patch) => events.push(patch));
    const ack = await poster.socket.timeout(5_000).emitWithAck('room:command', {
      id: crypto.randomUUID(),
      command: { type: 'post_card', kind: 'question', text: 'Which step first?' },
    });
    if (!ack.ok) throw new Error(`refused: ${ack.error.code}`);
    expect(ack.patch).toBeDefined();
    const patch = ack.patch!;
    expect(patch.from).toBeLessThan(ack.version);
    expect(patch.to).toBe(ack.version);
    expect(patch.events).toContainEqual(expect.objectContaining({ type: 'card_posted' }));

    // The others, the same seat's other connection included, get that very patch as a room:patch.
    for (const other of [facilitator, client, posterOtherTab]) {
      await other.reach(ack.version);
      expect(other.patches.find((p) => p.to === ack.version)).toEqual(patch);
    }
    // Everyone received what followed: had the sender been sent its patch, it would have come before.
    const next = await facilitator.must({ type: 'set_warning', ms: 60_000 });
    await poster.reach(next);
    expect(events.map((p) => p.to)).toEqual([next]);
    // Applied, the acknowledgement's patch leads to the view everyone else holds.
    expect(poster.view).toEqual(facilitator.view);
  });

  it('a retry of a stored command is answered ok without a patch: nothing new was written [SC-7]', async () => {
    const id = crypto.randomUUID();
    const command = { type: 'post_card', kind: 'question', text: 'Asked twice' } as const;
    const first = await poster.socket.timeout(5_000).emitWithAck('room:command', { id, command });
    const again = await poster.socket.timeout(5_000).emitWithAck('room:command', { id, command });
    expect(first.ok && first.patch !== undefined).toBe(true);
    expect(again).toEqual({ ok: true, version: again.ok ? again.version : -1 });
  });

  it('a sender whose acknowledgement was lost is told by its retry’s version that it is behind, and room:sync brings the write [SC-7]', async () => {
    const before = poster.version;
    const id = crypto.randomUUID();
    const command = { type: 'post_card', kind: 'question', text: 'Lost answer' } as const;
    // The first answer, and the patch it carries, never reaches the client: it gave up waiting at once.
    await expect(poster.socket.timeout(0).emitWithAck('room:command', { id, command })).rejects.toThrow();
    const others = poster.patches.length;
    const again = await poster.socket.timeout(5_000).emitWithAck('room:command', { id, command });
    if (!again.ok) throw new Error(`refused: ${again.error.code}`);
    await facilitator.reach(again.version);
    // No room:patch of that write on this connection, none in the retry's answer: only its version says so.
    expect(again.patch).toBeUndefined();
    expect(poster.patches.length).toBe(others);
    expect(poster.version).toBe(before);
    expect(again.version).toBeGreaterThan(poster.version);
    await poster.sync();
    expect(poster.version).toBe(again.version);
    expect(poster.view).toEqual(facilitator.view);
  });
});
