import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRoom,
  disconnected,
  join,
  nextEvent,
  openSocket,
  refusedHandshake,
  type TestParticipant,
} from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

const from = (address: string) => ({ extraHeaders: { 'x-forwarded-for': address } });

/** A newcomer who waits in a locked room (resolves once told to wait). */
async function waiter(url: string, code: string, name: string, address: string) {
  const socket = openSocket(url, { code, name }, from(address));
  await nextEvent(socket, 'session:waiting');
  return socket;
}

describe('[RM-10] room bombing', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  const sockets: ReturnType<typeof openSocket>[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      JOIN_RATE_PER_IP: '1000',
      JOIN_FAILURES_PER_IP: '1000',
      MAX_CONNECTIONS_PER_IP: '100',
    });
  });
  afterAll(async () => {
    for (const p of people) p.close();
    for (const s of sockets) s.close();
    await server.close();
  });

  it('bots from one address fill the seats and the waiting room; the key still finds its seat; one click clears the waiting; a removed address may not come back by name', async () => {
    const room = await createRoom(server.url, { template: 'codev' });
    const { code } = room;
    const facilitator = await join(
      server.url,
      { code, name: 'Fanny', facilitatorKey: room.facilitatorKey! },
      'f',
      from('198.51.100.1'),
    );
    people.push(facilitator);
    const bot = '203.0.113.9';
    const bots: TestParticipant[] = [];
    for (let i = 0; ; i++) {
      const answer = await join(server.url, { code, name: `Bot ${i}` }, `bot ${i}`, from(bot)).catch(
        (e: Error) => e,
      );
      if (answer instanceof Error) {
        expect(answer.message).toContain('room_full');
        break;
      }
      bots.push(answer);
    }
    people.push(...bots);
    await facilitator.must({ type: 'lock_room' });
    for (let i = 0; i < 12; i++) sockets.push(await waiter(server.url, code, `Waiter ${i}`, bot));
    // The waiting room is bounded apart from the seats.
    expect(
      await refusedHandshake(server.url, { code, name: 'Waiter 12' }, from(bot)).catch(
        (e: Error) => e.message,
      ),
    ).toBe('room_full');
    // The facilitator's key opens the room from another device all the same.
    const again = await join(
      server.url,
      { code, name: 'Fanny (tablette)', facilitatorKey: room.facilitatorKey! },
      'f2',
      from('198.51.100.2'),
    );
    people.push(again);
    await again.sync();
    const waiting = () =>
      Object.values(again.view!.participants).filter((p) => p.admission === 'waiting').length;
    expect(waiting()).toBe(12);
    // One command sends every waiting person away.
    const gone = sockets.map((s) => disconnected(s));
    await again.must({ type: 'clear_waiting' });
    await Promise.all(gone);
    await again.sync();
    expect(waiting()).toBe(0);
    // A removed bot's address may not join this room again by name.
    const victim = bots[0]!;
    await again.must({ type: 'remove_participant', participantId: victim.participantId });
    await disconnected(victim.socket);
    await again.must({ type: 'unlock_room' });
    expect(
      await refusedHandshake(server.url, { code, name: 'Bot again' }, from(bot)).catch(
        (e: Error) => `again: ${e.message}`,
      ),
    ).toBe('room_full');
    // Someone else takes the seat it left.
    const newcomer = await join(server.url, { code, name: 'Nina' }, 'Nina', from('198.51.100.3'));
    people.push(newcomer);
  });
});
