import { type Card, createRoom, type Room } from '@cercle/shared';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomService } from '../../server/src/rooms/roomService.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { silentLogger } from '../support/silentLogger.js';

/**
 * HT-5, SR-7: a closed door (a wrong code, an ended room, a locked room for the HTTP facts) is answered
 * from the room's header, the room itself unread: a 1,000-card room costs a closed door what a wrong
 * code costs. Shown by counting the store's room reads and the bytes Redis sends back.
 */
let server: RedisServer;
let admin: Redis;
let store: RedisRoomStore;
let service: RoomService;
const reads = { load: 0, apply: 0 };

/** A codev room holding 1,000 cards of 200 characters: over 300 KB as JSON. */
function bigRoom(code: string, change: Partial<Room> = {}): Room {
  const room = createRoom({ code, templateId: 'codev', facilitatorKeyHash: 'key-hash' }, 1_700_000_000_000);
  const cards: Record<string, Card> = {};
  for (let i = 0; i < 1_000; i++) {
    const id = `card${i}`;
    cards[id] = {
      id,
      kind: 'question',
      text: `${i} `.padEnd(200, 'x'),
      anonymous: false,
      seeded: false,
      hidden: false,
      status: 'open',
      phaseId: room.phases[0]!.id,
      createdAt: 1_700_000_000_000,
      editedAt: null,
    } as Card;
  }
  return { ...room, cards, ...change };
}

/** Bytes Redis has sent to its clients so far. */
async function bytesOut(): Promise<number> {
  return Number(/^total_net_output_bytes:(\d+)/m.exec(await admin.info('stats'))![1]);
}

beforeAll(async () => {
  server = await startRedisServer();
  admin = new Redis(server.url);
  store = await RedisRoomStore.connect(server.url);
  const load = store.load.bind(store);
  store.load = (code) => {
    reads.load++;
    return load(code);
  };
  const apply = store.apply.bind(store);
  store.apply = (...args) => {
    reads.apply++;
    return apply(...args);
  };
  const logger = silentLogger();
  service = new RoomService({ store, logger, storeTimeoutMs: 1_000 });
  await store.create(bigRoom('OPENDOOR'));
  await store.create(bigRoom('ENDEDDOOR', { status: 'ended' }));
  await store.create(bigRoom('LOCKEDDOOR', { locked: true }));
});
afterAll(async () => {
  service?.stop();
  await store?.close();
  admin?.disconnect();
  await server?.stop();
});

describe('closed doors read the header only', () => {
  it('[HT-5] [SR-7] facts of a wrong, ended or locked code: 404 alike, without reading the room', async () => {
    // What an INFO reply itself adds to the count, to take it out of the figures below.
    const infoBytes = -((await bytesOut()) - (await bytesOut()));
    for (const code of ['NOSUCHDOOR', 'ENDEDDOOR', 'LOCKEDDOOR']) {
      reads.load = 0;
      const start = await bytesOut();
      expect(await service.facts(code)).toBeNull();
      const sent = (await bytesOut()) - start - infoBytes;
      expect({ code, loads: reads.load }).toEqual({ code, loads: 0 });
      expect(sent).toBeLessThan(200); // the room is over 300 KB
    }
    // An open room's facts read it: the counters above would see a read.
    reads.load = 0;
    expect(await service.facts('OPENDOOR')).toMatchObject({ template: 'codev', status: 'lobby' });
    expect(reads.load).toBe(1);
  });

  it('[HT-5] [SR-7] a join to an ended or unknown room and a resume in an unknown room: room_not_found, the room unread', async () => {
    reads.load = 0;
    reads.apply = 0;
    for (const code of ['NOSUCHDOOR', 'ENDEDDOOR']) {
      const joined = await service.join(code, { name: 'Mallory' });
      expect(joined).toMatchObject({ ok: false, error: { code: 'room_not_found' } });
    }
    const resumed = await service.resume('NOSUCHDOOR', 'A'.repeat(32));
    expect(resumed).toMatchObject({ ok: false, error: { code: 'room_not_found' } });
    expect(reads).toEqual({ load: 0, apply: 0 });
    // A locked room keeps its waiting list: the join goes to the engine, which seats the person waiting.
    const waiting = await service.join('LOCKEDDOOR', { name: 'Walt' });
    expect(waiting).toMatchObject({ ok: true, value: { admitted: false } });
    expect(reads.apply).toBe(1);
  });

  it('[HT-5] [SR-7] a resume reads the seats, not the room: a wrong token answers like a wrong code', async () => {
    const joined = await service.join('OPENDOOR', { name: 'Rosa' });
    if (!joined.ok) throw new Error(joined.error.code);
    const infoBytes = -((await bytesOut()) - (await bytesOut()));
    const sent: Record<string, number> = {};
    reads.load = 0;
    for (const [label, code, token] of [
      ['wrong code', 'NOSUCHDOOR', 'A'.repeat(32)],
      ['wrong token', 'OPENDOOR', 'B'.repeat(32)],
      ['right token', 'OPENDOOR', joined.value.resumeToken!],
    ] as const) {
      const start = await bytesOut();
      const resumed = await service.resume(code, token);
      sent[label] = (await bytesOut()) - start - infoBytes;
      if (label === 'right token')
        expect(resumed).toEqual({
          ok: true,
          value: { participantId: joined.value.participantId, admitted: true },
        });
      else expect(resumed).toMatchObject({ ok: false, error: { code: 'room_not_found' } });
    }
    expect(reads.load).toBe(0);
    // The room is over 300 KB; its seats (one here) a few hundred bytes.
    expect(sent['wrong token']!).toBeLessThan(2_000);
    expect(sent['right token']!).toBeLessThan(2_000);
  });
});
