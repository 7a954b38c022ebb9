import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  converged,
  createRoom,
  disconnected,
  join,
  nextEvent,
  openSocket,
  refusedHandshake,
  type TestParticipant,
} from '../support/clients.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

describe('reconnection, removal and admission, across two nodes on one Redis', () => {
  let redis: RedisServer;
  let nodeA: TestServer;
  let nodeB: TestServer;
  const people: TestParticipant[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
    nodeA = await startTestServer({ REDIS_URL: redis.url });
    nodeB = await startTestServer({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await nodeA?.close();
    await nodeB?.close();
    await redis?.stop();
  });

  async function codevRoom() {
    const { code, facilitatorKey } = await createRoom(nodeA.url, { template: 'codev' });
    const facilitator = await join(
      nodeA.url,
      { code, name: 'Fanny', facilitatorKey: facilitatorKey! },
      'facilitator',
    );
    const client = await join(nodeA.url, { code, name: 'Claire' }, 'client');
    const c1 = await join(nodeA.url, { code, name: 'Anne' }, 'Anne');
    const c2 = await join(nodeB.url, { code, name: 'Bruno' }, 'Bruno');
    const c3 = await join(nodeB.url, { code, name: 'Chloé' }, 'Chloé');
    people.push(facilitator, client, c1, c2, c3);
    await facilitator.must({ type: 'assign_role', participantId: client.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    return { code, facilitator, client, c1, c2, c3 };
  }

  it('[RM-2] a dropped connection keeps the seat (away), and the token brings it back on another node with what it missed', async () => {
    const { code, facilitator, client, c1, c2, c3 } = await codevRoom();
    const seatBefore = c1.seat!;
    // The network drops: the transport closes without a goodbye.
    c1.socket.io.engine.close();
    await expect
      .poll(() => facilitator.view!.participants[c1.participantId]?.presence, { timeout: 5_000 })
      .toBe('away');
    expect(facilitator.view!.participants[c1.participantId]?.role).toBe('consultant');

    // Meanwhile the room moves on.
    await c2.must({ type: 'post_card', kind: 'question', text: 'Asked while Anne was away' });
    await client.must({ type: 'post_card', kind: 'answer', text: 'Answered while Anne was away' });

    const back = await join(nodeB.url, { code, resumeToken: c1.resumeToken }, 'Anne again');
    people.push(back);
    expect(back.participantId).toBe(c1.participantId);
    expect(back.resumeToken).toBe(c1.resumeToken);
    expect(back.seat?.role).toBe(seatBefore.role);
    expect(back.seat?.displayName).toBe('Anne');
    const texts = Object.values(back.view!.cards).map((c) => c.text);
    expect(texts).toEqual(
      expect.arrayContaining(['Asked while Anne was away', 'Answered while Anne was away']),
    );
    await expect
      .poll(() => facilitator.view!.participants[c1.participantId]?.presence, { timeout: 5_000 })
      .toBe('connected');
    // Back to work from the new node.
    await back.must({ type: 'post_card', kind: 'question', text: 'Back' });
    await converged([facilitator, client, back, c2, c3]);
  });

  it('a wrong token gets nothing of the room', async () => {
    const { code, facilitator } = await codevRoom();
    const socket = openSocket(nodeB.url, { code, resumeToken: 'A'.repeat(32) });
    const received: string[] = [];
    socket.onAny((event) => received.push(String(event)));
    const error = await new Promise<{ data?: { code?: string } }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    // HT-5: a wrong token gets the wrong code's answer.
    expect(error.data?.code).toBe('room_not_found');
    expect(received).toEqual([]);
    socket.close();
    expect(
      await refusedHandshake(nodeA.url, { code, resumeToken: `${facilitator.resumeToken.slice(0, -2)}xx` }),
    ).toBe('room_not_found');
  });

  it('[RM-4] a removed participant is disconnected on every node and their token stops working at once', async () => {
    const { code, facilitator, c2 } = await codevRoom();
    const ended = nextEvent(c2.socket, 'session:ended');
    const gone = disconnected(c2.socket);
    await facilitator.must({ type: 'remove_participant', participantId: c2.participantId });
    expect(await ended).toEqual({ reason: 'removed' });
    await gone;
    expect(await refusedHandshake(nodeB.url, { code, resumeToken: c2.resumeToken })).toBe('room_not_found');
    expect(await refusedHandshake(nodeA.url, { code, resumeToken: c2.resumeToken })).toBe('room_not_found');
    expect(facilitator.view!.participants[c2.participantId]).toBeUndefined();
  });

  it('[RM-4][RM-6] in a locked room a newcomer waits and receives nothing of the room until admitted', async () => {
    const { code, facilitator, client, c1 } = await codevRoom();
    await facilitator.must({ type: 'lock_room' });
    expect((await fetch(`${nodeA.url}/api/rooms/${code}`)).status).toBe(404);

    const socket = openSocket(nodeB.url, { code, name: 'Zoé' });
    const received: string[] = [];
    socket.onAny((event) => received.push(String(event)));
    const waiting = await nextEvent(socket, 'session:waiting');
    expect(waiting.participantId).toBeTruthy();
    expect(Object.keys(waiting).sort()).toEqual(['participantId', 'resumeToken', 'serverTime']);

    await c1.must({ type: 'post_card', kind: 'question', text: 'Said before Zoé was admitted' });
    const refused = await socket.timeout(5_000).emitWithAck('room:command', {
      id: crypto.randomUUID(),
      command: { type: 'raise_hand' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'waiting_for_admission' } });
    const sync = await socket.timeout(5_000).emitWithAck('room:sync', {});
    expect(sync.ok).toBe(false);
    expect(received).toEqual(['session:waiting']);

    const admitted = nextEvent(socket, 'session:admitted');
    await facilitator.must({ type: 'admit', participantId: waiting.participantId });
    const { snapshot } = await admitted;
    expect(snapshot.view.participants[waiting.participantId]?.admission).toBe('admitted');
    expect(Object.values(snapshot.view.cards).map((c) => c.text)).toContain('Said before Zoé was admitted');
    // Broadcasts now reach the admitted newcomer (through the other node).
    const patch = nextEvent(socket, 'room:patch');
    await client.must({ type: 'post_card', kind: 'answer', text: 'After admission' });
    expect((await patch).to).toBeGreaterThan(snapshot.version);
    // Admitted by a command on the other node, the newcomer's own commands are taken on this one.
    const taken = await socket.timeout(5_000).emitWithAck('room:command', {
      id: crypto.randomUUID(),
      command: { type: 'raise_hand' },
    });
    expect(taken).toMatchObject({ ok: true });
    socket.close();
  });
});
