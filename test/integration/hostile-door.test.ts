import { Manager } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, disconnected, join, openSocket, type TestParticipant } from '../support/clients.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** A raw WebSocket to the engine, from `address` (one trusted hop), that never logs in to a room. */
function rawConnection(url: string, address: string) {
  const manager = new Manager(url, {
    transports: ['websocket'],
    reconnection: false,
    autoConnect: false,
    extraHeaders: { 'x-forwarded-for': address },
  });
  const opened = new Promise<boolean>((resolve) => {
    manager.open((error) => resolve(!error));
  });
  const closed = new Promise<void>((resolve) => manager.engine?.once('close', () => resolve()) ?? resolve());
  return { manager, opened, closed: () => closed };
}

type Raw = {
  emit(event: string, ...args: unknown[]): void;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
};

describe('connections at the door and budgets per seat', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  let code = '';
  let facilitatorKey = '';
  let facilitator: TestParticipant;
  let bystander: TestParticipant;

  beforeAll(async () => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      MAX_CONNECTIONS_PER_IP: '6',
      LOGIN_TIMEOUT_MS: '600',
      COMMAND_BURST: '10',
      COMMAND_RATE: '1',
      JOIN_RATE_PER_IP: '1000',
    });
    const room = await createRoom(server.url, { template: 'codev' });
    code = room.code;
    facilitatorKey = room.facilitatorKey!;
    facilitator = await join(server.url, { code, name: 'Fanny', facilitatorKey }, 'facilitator', {
      extraHeaders: { 'x-forwarded-for': '198.51.100.1' },
    });
    const elsewhere = await createRoom(server.url, { template: 'peer-coaching' });
    bystander = await join(server.url, { code: elsewhere.code, name: 'Bea' }, 'bystander', {
      extraHeaders: { 'x-forwarded-for': '198.51.100.2' },
    });
    people.push(facilitator, bystander);
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
  });

  it('[HT-4] raw sockets that never log in count against the cap, are closed after the login timeout, and block no one else', async () => {
    const attacker = '203.0.113.66';
    const raws = Array.from({ length: 10 }, () => rawConnection(server.url, attacker));
    const opened = await Promise.all(raws.map((r) => r.opened));
    expect(opened.filter(Boolean).length).toBeLessThanOrEqual(6);
    // The address's cap is taken by sockets that never logged in: its next join is refused at the door...
    const refused = await new Promise<string>((resolve) => {
      const s = openSocket(
        server.url,
        { code, name: 'Mallory' },
        { extraHeaders: { 'x-forwarded-for': attacker } },
      );
      s.once('connect_error', (e: Error & { data?: { code?: string } }) => {
        s.close();
        resolve(e.data?.code ?? 'transport');
      });
      s.once('connect', () => {
        s.close();
        resolve('connected');
      });
    });
    expect(refused).toBe('transport');
    // ...while someone else joins at once.
    const other = await join(server.url, { code, name: 'Omar' }, 'Omar', {
      extraHeaders: { 'x-forwarded-for': '198.51.100.3' },
    });
    people.push(other);
    // The login timeout closes every one of them, and the address may join again.
    await Promise.all(raws.map((r) => r.closed()));
    const back = await join(server.url, { code, name: 'Mallory' }, 'Mallory', {
      extraHeaders: { 'x-forwarded-for': attacker },
    });
    back.close();
    for (const r of raws) r.manager.engine?.close();
  });

  it('[HT-4] a handshake aborted while its login is in flight frees its slot and leaves no seat connected', async () => {
    const address = '203.0.113.77';
    const rooms = server.app.rooms;
    const original = rooms.join.bind(rooms);
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    rooms.join = async (...args: Parameters<typeof rooms.join>) => {
      entered();
      await gate;
      return original(...args);
    };
    try {
      const socket = openSocket(
        server.url,
        { code, name: 'Quitter' },
        { extraHeaders: { 'x-forwarded-for': address } },
      );
      await inside;
      socket.close();
      // The server saw the close before the login finished.
      await new Promise<void>((resolve) => {
        const check = () => (server.app.door.holding(address) === 0 ? resolve() : setTimeout(check, 10));
        check();
      });
      release();
    } finally {
      rooms.join = original;
    }
    // The seat the login made is shown away, not connected.
    for (;;) {
      await facilitator.sync();
      const seat = Object.values(facilitator.view!.participants).find((p) => p.displayName === 'Quitter');
      if (seat && seat.presence === 'away') break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('[HT-3] every connection of one seat shares its budgets: commands, room:sync, time:ping', async () => {
    const first = await join(server.url, { code, name: 'Tabby' }, 'tab 1', {
      extraHeaders: { 'x-forwarded-for': '198.51.100.9' },
    });
    const tabs = [first];
    for (let i = 2; i <= 5; i++) {
      tabs.push(
        await join(server.url, { code, resumeToken: first.resumeToken }, `tab ${i}`, {
          extraHeaders: { 'x-forwarded-for': '198.51.100.9' },
        }),
      );
    }
    people.push(...tabs);
    const start = Date.now();
    const commands = await Promise.all(
      tabs.flatMap((t) =>
        Array.from({ length: 10 }, (_, i) => t.send({ type: i % 2 ? 'lower_hand' : 'raise_hand' })),
      ),
    );
    const limited = commands.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    // 10 at once for the seat plus 1 a second: far from the 50 five separate budgets would give.
    const allowance = 10 + Math.ceil((Date.now() - start) / 1000) + 1;
    expect(50 - limited).toBeLessThanOrEqual(allowance);
    const syncs = await Promise.all(
      tabs.flatMap((t) =>
        Array.from({ length: 8 }, () => t.socket.timeout(5_000).emitWithAck('room:sync', {})),
      ),
    );
    expect(syncs.filter((a) => a.ok).length).toBeLessThanOrEqual(10 + 2);
    expect(syncs.filter((a) => !a.ok && a.error.code === 'rate_limited').length).toBeGreaterThanOrEqual(
      40 - 12,
    );
    const pings = await Promise.all(
      tabs.flatMap((t) =>
        Array.from({ length: 10 }, () =>
          t.socket.timeout(5_000).emitWithAck('time:ping', { clientTime: Date.now() }),
        ),
      ),
    );
    const answered = pings.filter((a) => 'serverTime' in (a as object)).length;
    expect(answered).toBeLessThanOrEqual(20 + 4);
    expect(answered).toBeGreaterThanOrEqual(20);
    // Another room's participant is not slowed into failure meanwhile.
    const ack = await bystander.send({ type: 'lock_room' });
    expect(ack.ok).toBe(true);
    await bystander.must({ type: 'unlock_room' });
  });

  it('[HT-3] a connection that floods past its budget (unknown events, no answer asked) is closed', async () => {
    const flooder = await join(server.url, { code, name: 'Flo' }, 'Flo', {
      extraHeaders: { 'x-forwarded-for': '198.51.100.10' },
    });
    people.push(flooder);
    const raw = flooder.socket as unknown as Raw;
    expect(await raw.timeout(5_000).emitWithAck('no:such:event', {})).toMatchObject({
      error: { code: 'bad_request' },
    });
    const gone = disconnected(flooder.socket);
    for (let i = 0; i < 500; i++) raw.emit('no:such:event', { i });
    expect(await gone).toBe('io server disconnect');
    // Others carry on.
    expect(
      (await bystander.socket.timeout(5_000).emitWithAck('time:ping', { clientTime: 1 })).serverTime,
    ).toEqual(expect.any(Number));
  });
});
