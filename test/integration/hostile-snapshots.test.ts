import { Encoder, PacketType } from 'socket.io-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineStore, RoomService } from '../../server/src/rooms/roomService.js';
import { MemoryRoomStore } from '../../server/src/store/memory.js';
import {
  type CercleClientSocket,
  createRoom,
  join,
  openSocket,
  type TestParticipant,
} from '../support/clients.js';
import { silentLogger } from '../support/silentLogger.js';
import { startTestServer, type TestServer } from '../support/testServer.js';

/** The raw Socket.IO packets (as text) a client receives from now on. */
function rawPackets(socket: CercleClientSocket): string[] {
  const packets: string[] = [];
  socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
    if (packet.type === 'message' && typeof packet.data === 'string') packets.push(packet.data);
  });
  return packets;
}

/** An acknowledgement packet (`3<id>[...]`) without its id, and the id. */
function ackParts(packet: string): { id: number; body: string } {
  const match = /^3(\d+)(\[.*)$/s.exec(packet);
  if (!match) throw new Error(`not an acknowledgement: ${packet.slice(0, 20)}`);
  return { id: Number(match[1]), body: match[2]! };
}

/** What Socket.IO's stock parser writes for this acknowledgement: the wire bytes of docs/protocol.md. */
function stockAck(id: number, response: unknown): string {
  const [text] = new Encoder().encode({ type: PacketType.ACK, nsp: '/', id, data: [response] });
  return text as string;
}

describe('snapshots encoded once per room version (HT-8)', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  let facilitator: TestParticipant;
  let ana: TestParticipant;

  beforeAll(async () => {
    server = await startTestServer();
    const room = await createRoom(server.url, { template: 'codev' });
    facilitator = await join(
      server.url,
      { code: room.code, name: 'Fanny', facilitatorKey: room.facilitatorKey },
      'f',
    );
    ana = await join(server.url, { code: room.code, name: 'Ana' }, 'ana');
    people.push(facilitator, ana);
  });
  afterAll(async () => {
    for (const p of people) p.close();
    await server.close();
  });

  it('[HT-8] syncs of one version share one encoded view: byte-identical frames, the view encoded once', async () => {
    await facilitator.must({ type: 'lock_room' });
    const version = await facilitator.must({ type: 'unlock_room' });
    await ana.reach(version);
    await facilitator.reach(version);
    const mine = rawPackets(facilitator.socket);
    const hers = rawPackets(ana.socket);
    const encodedBefore = server.app.rooms.snapshotViewsEncoded;

    const answers = [
      await facilitator.socket.timeout(5_000).emitWithAck('room:sync', {}),
      await facilitator.socket.timeout(5_000).emitWithAck('room:sync', {}),
      await ana.socket.timeout(5_000).emitWithAck('room:sync', {}),
      await ana.socket.timeout(5_000).emitWithAck('room:sync', {}),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ ok: true, snapshot: { version } });
    // Four snapshots of one version: its public view was encoded once.
    expect(server.app.rooms.snapshotViewsEncoded - encodedBefore).toBe(1);

    const acks = (packets: string[]) => packets.filter((p) => p.startsWith('3')).map(ackParts);
    const [first, second] = acks(mine);
    const [third, fourth] = acks(hers);
    // One seat, one version: the same bytes but for the acknowledgement id.
    expect(first!.body).toBe(second!.body);
    expect(third!.body).toBe(fourth!.body);
    // Another seat: the same view text, its own private part.
    const viewText = (body: string) => body.slice(body.indexOf('"view":'), body.indexOf(',"mine":'));
    expect(viewText(first!.body).length).toBeGreaterThan(100);
    expect(viewText(third!.body)).toBe(viewText(first!.body));
    expect(first!.body).not.toBe(third!.body);
    // Exactly what Socket.IO's own encoder writes for the same answer (docs/protocol.md's bytes).
    for (const { id, body } of [first!, third!]) {
      expect(stockAck(id, (JSON.parse(body) as unknown[])[0])).toBe(`3${id}${body}`);
    }
  });

  it('[HT-8] a welcome carries the shared view text, in the stock encoding', async () => {
    const socket = openSocket(server.url, { code: facilitator.view!.code, resumeToken: ana.resumeToken });
    const packets = rawPackets(socket);
    try {
      await new Promise<void>((resolve) => socket.once('session:welcome', () => resolve()));
      const welcome = packets.find((p) => p.startsWith('2["session:welcome",'))!;
      const payload = (JSON.parse(welcome.slice(1)) as unknown[])[1];
      const [stock] = new Encoder().encode({
        type: PacketType.EVENT,
        nsp: '/',
        data: ['session:welcome', payload],
      });
      expect(welcome).toBe(stock);
      expect(payload).toMatchObject({ participantId: ana.participantId, snapshot: { version: ana.version } });
    } finally {
      socket.close();
    }
  });

  it('[HT-8] room:sync with the version held is answered `current` from the header, without the room', async () => {
    // A seat of its own: five syncs at once is the seat's budget (HT-3), the other tests spent Ana's.
    const bo = await join(server.url, { code: facilitator.view!.code, name: 'Bo' }, 'bo');
    people.push(bo);
    await bo.reach(facilitator.version);
    const packets = rawPackets(bo.socket);
    const version = bo.version;
    const current = await bo.socket.timeout(5_000).emitWithAck('room:sync', { version });
    expect(current).toEqual({ ok: true, current: true, version });
    const frame = packets.find((p) => p.startsWith('3'))!;
    expect(frame.length).toBeLessThan(60);
    // Behind (or ahead of) the room: the whole snapshot, as without a version.
    for (const held of [version - 1, version + 5]) {
      const behind = await bo.socket.timeout(5_000).emitWithAck('room:sync', { version: held });
      expect(behind).toMatchObject({ ok: true, snapshot: { version } });
    }
    // A check rides along either way (SR-5).
    const check = [{ id: crypto.randomUUID(), command: { type: 'raise_hand' as const } }];
    expect(await bo.socket.timeout(5_000).emitWithAck('room:sync', { version, check })).toEqual({
      ok: true,
      current: true,
      version,
      stored: [],
    });
    // Not a version: refused, as any malformed payload.
    expect(await bo.socket.timeout(5_000).emitWithAck('room:sync', { version: -1 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});

describe('snapshots of the version a node stored need no read of the room (HT-8)', () => {
  it('[HT-8] reads the store header, not the room, and encodes the view once', async () => {
    const memory = new MemoryRoomStore();
    let loads = 0;
    const store = new Proxy(memory, {
      get(target, key) {
        if (key === 'load') {
          return (code: string) => {
            loads++;
            return target.load(code);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as unknown as EngineStore;
    const logger = silentLogger();
    const service = new RoomService({ store, logger, storeTimeoutMs: 1_000 });
    const opened = await service.createRoom({ templateId: 'codev' });
    if (!opened.ok) throw new Error('room refused');
    const joined = await service.join(opened.code, { name: 'Fanny', facilitatorKey: opened.facilitatorKey! });
    if (!joined.ok) throw new Error('join refused');
    loads = 0;
    const encoded = service.snapshotViewsEncoded;
    const texts = [];
    for (let i = 0; i < 3; i++) {
      const snapshot = await service.snapshot(opened.code, joined.value.participantId);
      if (!snapshot.ok) throw new Error('no snapshot');
      texts.push(snapshot.value.json.text);
    }
    expect(loads).toBe(0);
    expect(service.snapshotViewsEncoded - encoded).toBe(1);
    expect(new Set(texts).size).toBe(1);
    expect(await service.version(opened.code)).toEqual({ ok: true, value: JSON.parse(texts[0]!).version });
    expect(await service.version('NOPE-NOPE')).toMatchObject({
      ok: false,
      error: { code: 'room_not_found' },
    });
    await store.close();
  });
});

describe('a room near its text bound is sent so many snapshot bytes a second (HT-9)', () => {
  let server: TestServer;
  const people: TestParticipant[] = [];
  afterAll(async () => {
    for (const p of people) p.close();
    await server?.close();
  });

  it('[HT-9] syncs beyond the room snapshot budget are refused though their count is allowed; `current` costs nothing', async () => {
    // Command budgets lifted so the board fills in a moment; the snapshot budget is not a setting.
    server = await startTestServer({ COMMAND_RATE: '2000', COMMAND_BURST: '2000' });
    const room = await createRoom(server.url, { template: 'codev' });
    const facilitator = await join(
      server.url,
      { code: room.code, name: 'Fanny', facilitatorKey: room.facilitatorKey },
      'f',
    );
    const seats = [facilitator];
    for (const name of ['Claire', 'Cam', 'Dom'])
      seats.push(await join(server.url, { code: room.code, name }, name));
    people.push(...seats);
    await facilitator.must({ type: 'assign_role', participantId: seats[1]!.participantId, role: 'client' });
    await facilitator.must({ type: 'start' });
    await facilitator.must({ type: 'next_phase', from: 0 });
    // 400 cards of 500 characters: a snapshot of some 300 KB.
    const posts = [];
    for (let i = 0; i < 400; i++) {
      const author = seats[2 + (i % 2)]!;
      posts.push(author.send({ type: 'post_card', kind: 'question', text: `${i} ${'x'.repeat(495)}` }));
    }
    const posted = await Promise.all(posts);
    expect(posted.filter((a) => !a.ok)).toEqual([]);
    const version = posted.reduce((v, a) => Math.max(v, a.ok ? a.version : 0), 0);
    await Promise.all(seats.map((s) => s.reach(version)));

    // Four seats, 19 syncs at once (five a seat, the first seat keeping one): within the counts (24 a room).
    const answers = await Promise.all(
      seats.flatMap((s, i) =>
        Array.from({ length: i === 0 ? 4 : 5 }, () => s.socket.timeout(10_000).emitWithAck('room:sync', {})),
      ),
    );
    const sent = answers.filter((a) => a.ok && 'snapshot' in a);
    const refused = answers.filter((a) => !a.ok && a.error.code === 'rate_limited');
    const size = JSON.stringify((sent[0] as { snapshot: unknown }).snapshot).length;
    expect(size).toBeGreaterThan(200_000);
    // 2 MiB at once: the sync that crosses it is the last one (in flight together, each set aside first).
    expect(sent.length).toBeLessThanOrEqual(Math.ceil((2 * 1024 * 1024) / size) + 1);
    expect(sent.length).toBeGreaterThan(0);
    expect(refused.length).toBe(19 - sent.length);
    // The room's other seats are not cut off from what matters: a sync of the version held is `current`.
    const held = seats[0]!.version;
    expect(await seats[0]!.socket.timeout(5_000).emitWithAck('room:sync', { version: held })).toEqual({
      ok: true,
      current: true,
      version: held,
    });
  });
});
