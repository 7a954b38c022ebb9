import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoomService } from '../../server/src/rooms/roomService.js';
import { RoomWatch } from '../../server/src/rooms/roomWatch.js';
import { RedisRoomStore } from '../../server/src/store/redis.js';
import { type RedisServer, startRedisServer } from '../support/redisServer.js';
import { announcingPublisher } from '../support/roomPublisher.js';
import { silentLogger } from '../support/silentLogger.js';

/** More rooms with people on this node than the node once remembered told versions for (1,000). */
const ROOMS = 1_200;

/**
 * SR-2 on a node with many rooms: whatever their number, a version whose patch went out from this node
 * is not announced to its people there. (The node remembered the last version told of 1,000 rooms at
 * most: the bench's 1,001 rooms had one room of 8 told a version it had, at every run.)
 */
describe('the room watch on a node with many rooms (one Redis)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('[SR-2] no room is told a version its patch told, however many rooms; rooms left are forgotten', async () => {
    const logger = silentLogger();
    const store = await RedisRoomStore.connect(redis.url);
    const service = new RoomService({ store, logger, storeTimeoutMs: 5_000 });
    const { publisher, announced } = announcingPublisher();
    service.publisher = publisher;
    const rooms: { code: string; fanny: string }[] = [];
    for (let i = 0; i < ROOMS; i++) {
      const opened = await service.createRoom({ templateId: 'codev' });
      if (!opened.ok) throw new Error('room refused');
      const joined = await service.join(opened.code, {
        name: 'Fanny',
        facilitatorKey: opened.facilitatorKey!,
      });
      if (!joined.ok) throw new Error('join refused');
      rooms.push({ code: opened.code, fanny: joined.value.participantId });
    }
    let local = rooms.map((r) => r.code);
    const watch = new RoomWatch({
      store,
      localRooms: () => local,
      publisher: () => publisher,
      logger,
      toldHere: (code) => service.toldVersion(code),
      writingHere: (code) => service.writingHere(code),
      forgetTold: (keep) => service.forgetToldBut(keep),
    });
    // Every join's patch went out from here: nothing to announce, in the first room as in the last.
    await watch.look();
    expect(announced).toEqual([]);

    // Each room changes once more, the last joined first (as a burst of timers fires them in any order).
    for (const { code, fanny } of [...rooms].reverse()) {
      const locked = await service.command(code, fanny, 'c1', { type: 'lock_room' });
      if (!locked.ok) throw new Error('command refused');
      expect(service.toldVersion(code)).toBe(locked.version);
    }
    await watch.look();
    expect(announced).toEqual([]);

    // Everyone leaves the first room's connections here: what was told of it is forgotten (the
    // memory is the rooms with people here), the others' kept.
    local = local.slice(1);
    await watch.look();
    expect(service.toldVersion(rooms[0]!.code)).toBeUndefined();
    expect(service.toldVersion(rooms[1]!.code)).toBeDefined();
    expect(announced).toEqual([]);
    service.stop();
    await store.close();
  }, 60_000);
});
