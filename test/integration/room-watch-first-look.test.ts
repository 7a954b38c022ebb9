import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomService } from '../../server/src/rooms/roomService.js';
import { RoomWatch } from '../../server/src/rooms/roomWatch.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { announcingPublisher } from '../support/roomPublisher.js';
import { silentLogger } from '../support/silentLogger.js';

/**
 * SR-2 from a node's first look: the watch's Redis connection is ready before its first read, so a node
 * that has just started (or just got its first person in a room) already announces a stored version its
 * clients lack, instead of a first look that fails and judges nothing.
 */
describe("the room watch's first look (one Redis)", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('[SR-2] a fresh node reads the stored versions at its first look and announces them', async () => {
    const logger = silentLogger();
    // Another node stores the room and a change whose patch never reached this node's people.
    const other = await RedisRoomStore.connect(redis.url);
    const service = new RoomService({ store: other, logger, storeTimeoutMs: 1_000 });
    const opened = await service.createRoom({ templateId: 'codev' });
    if (!opened.ok) throw new Error('room refused');
    const joined = await service.join(opened.code, { name: 'Fanny', facilitatorKey: opened.facilitatorKey! });
    if (!joined.ok) throw new Error('join refused');
    const locked = await service.command(opened.code, joined.value.participantId, 'c1', {
      type: 'lock_room',
    });
    if (!locked.ok) throw new Error('command refused');

    const store = await RedisRoomStore.connect(redis.url);
    const { publisher, announced } = announcingPublisher();
    const watch = new RoomWatch({
      store,
      localRooms: () => [opened.code],
      publisher: () => publisher,
      logger,
    });
    await watch.look();
    expect(announced).toEqual([locked.version]);
    await store.close();
    service.stop();
    await other.close();
  });
});
