import { createRoom, type Decision, type Room } from '@cercle/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomService } from '../../server/src/rooms/roomService.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { silentLogger } from '../support/silentLogger.js';

/**
 * What a join asks Redis: a node holding an open copy of the room sends the join's compare-and-set
 * alone (it checks the copy); a stale copy (the room ended or vanished on another node) still gets the
 * wrong code's answer, and nothing is stored.
 */
let server: RedisServer;
const stores: RedisRoomStore[] = [];
const services: RoomService[] = [];
let serial = 0;
const newCode = () => `JOINREAD${serial++}`;

function node(store: RedisRoomStore): RoomService {
  const logger = silentLogger();
  const service = new RoomService({ store, logger, storeTimeoutMs: 1_000 });
  stores.push(store);
  services.push(service);
  return service;
}

/** A step ending the room as the engine would (a new room, version + 1), without its facilitator. */
const end = (room: Room): Decision =>
  ({
    ok: true,
    room: { ...room, version: room.version + 1, status: 'ended' },
    effects: [],
  }) as unknown as Decision;

let storeA: RedisRoomStore;
let storeB: RedisRoomStore;
let nodeA: RoomService;
beforeAll(async () => {
  server = await startRedisServer();
  storeA = await RedisRoomStore.connect(server.url);
  storeB = await RedisRoomStore.connect(server.url);
  nodeA = node(storeA);
  node(storeB);
});
afterAll(async () => {
  for (const service of services) service.stop();
  for (const store of stores) await store.close();
  await server?.stop();
});

describe('a join on a node holding the room', () => {
  it('[SR-8][HT-5] a room held open: the join sends its compare-and-set alone, no header read first', async () => {
    const code = newCode();
    await storeA.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: null }, Date.now()));
    expect((await nodeA.join(code, { name: 'First' })).ok).toBe(true); // scripts loaded
    const before = storeA.stats.redisCalls;
    const joined = await nodeA.join(code, { name: 'Second' });
    expect(joined.ok).toBe(true);
    expect(storeA.stats.redisCalls - before).toBe(1);
  });

  it('[HT-5][SR-8] a copy held open of a room ended on another node: room_not_found, nothing stored', async () => {
    const code = newCode();
    await storeA.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: null }, Date.now()));
    expect((await storeB.apply(code, null, end)).status).toBe('applied');
    const answer = await nodeA.join(code, { name: 'Late' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'room_not_found' } });
    const stored = (await storeB.load(code))!;
    expect([stored.version, stored.status, Object.keys(stored.participants)]).toEqual([1, 'ended', []]);
  });

  it('[HT-5][SR-8] a copy held of a room purged on another node: room_not_found, nothing made', async () => {
    const code = newCode();
    await storeA.create(createRoom({ code, templateId: 'codev', facilitatorKeyHash: null }, Date.now()));
    await storeB.purge(code);
    const answer = await nodeA.join(code, { name: 'Late' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'room_not_found' } });
    expect(await storeB.header(code)).toBeNull();
  });
});
