import { describe, expect, it } from 'vitest';
import type { RoomPublisher } from '../../server/src/rooms/publisher.js';
import { RoomService } from '../../server/src/rooms/roomService.js';
import { RoomWatch, type RoomWatchOptions } from '../../server/src/rooms/roomWatch.js';
import { MemoryRoomStore } from '../../server/src/store/memory.js';
import { announcingPublisher } from '../support/roomPublisher.js';
import { silentLogger } from '../support/silentLogger.js';

/** A room on a node whose publisher records the versions announced; `patch` is how its patches go out. */
async function roomOnNode(patch: RoomPublisher['patch']) {
  const store = new MemoryRoomStore({ sweepIntervalMs: 0 });
  const logger = silentLogger();
  const service = new RoomService({ store, logger, storeTimeoutMs: 1_000 });
  const { publisher, announced } = announcingPublisher(patch);
  service.publisher = publisher;
  const opened = await service.createRoom({ templateId: 'codev' });
  if (!opened.ok) throw new Error('room refused');
  const { code, facilitatorKey } = opened;
  /** Fanny, the facilitator, joins; her participant id. */
  const join = async () => {
    const joined = await service.join(code, { name: 'Fanny', facilitatorKey: facilitatorKey! });
    if (!joined.ok) throw new Error('join refused');
    return joined.value.participantId;
  };
  /** The room watch of this node over `watched` (the store, or a stand-in around it). */
  const watchOver = (watched: RoomWatchOptions['store']) =>
    new RoomWatch({
      store: watched,
      localRooms: () => [code],
      publisher: () => publisher,
      logger,
      toldHere: (room) => service.toldVersion(room),
      writingHere: (room) => service.writingHere(room),
    });
  return { store, service, announced, code, join, watchOver };
}

/**
 * SR-2 with the patches this node sent itself: the watch announces a room's stored version only when
 * this node did not send that version's patch to its people (they have it on their own connection), and
 * still announces every version whose patch did not go out from here.
 */
describe('room:version is said only when a patch of this node did not say it', () => {
  it('[SR-2] a version told here is not announced; one whose patch failed to go out is', async () => {
    const patched: number[] = [];
    let failNextPatch = false;
    const { store, service, announced, code, join, watchOver } = await roomOnNode((_code, message) => {
      if (failNextPatch) {
        failNextPatch = false;
        throw new Error('socket layer down');
      }
      patched.push(message.to);
    });
    const watch = watchOver(store);

    // Version 0, written at creation, was never patched from here: announced once.
    await watch.look();
    expect(announced).toEqual([0]);

    const fanny = await join();
    const first = await service.command(code, fanny, 'c1', { type: 'lock_room' });
    if (!first.ok) throw new Error('command refused');
    expect(patched.at(-1)).toBe(first.version);
    await watch.look();
    // The stored version is the one whose patch this node sent: nothing more to say.
    expect(announced).toEqual([0]);

    // The next write is stored but its patch fails to go out: the watch says the version.
    failNextPatch = true;
    const second = await service.command(code, fanny, 'c2', { type: 'unlock_room' });
    if (!second.ok) throw new Error('command refused');
    expect(patched).not.toContain(second.version);
    await watch.look();
    expect(announced).toEqual([0, second.version]);
    await store.close();
  });

  it('[SR-2] a room written to during the look waits for the next look; a version still untold is said then', async () => {
    let duringWrite: (() => void) | null = null;
    const { store, service, announced, code, join, watchOver } = await roomOnNode(() => {
      const hook = duringWrite;
      duringWrite = null;
      hook?.();
    });
    const watch = watchOver(store);
    await watch.look();
    expect(announced).toEqual([0]);
    const fanny = await join();

    // A look that begins while this node's write is stored but not answered (a busy node reads the
    // store's reply late), and whose patch then fails to go out: the version is not said by that look,
    // as it may be the write's own, its patch still queued here...
    let lookDuringWrite: Promise<void> | undefined;
    duringWrite = () => {
      expect(service.writingHere(code)).toBe(true);
      lookDuringWrite = watch.look();
      throw new Error('socket layer down');
    };
    const locked = await service.command(code, fanny, 'c1', { type: 'lock_room' });
    if (!locked.ok) throw new Error('command refused');
    expect(service.writingHere(code)).toBe(false);
    expect(lookDuringWrite).toBeDefined();
    await lookDuringWrite;
    expect(announced).toEqual([0]);
    // ...and the next look, with nothing in flight here, says it: the stored change still reaches everyone.
    await watch.look();
    expect(announced).toEqual([0, locked.version]);
    await watch.look();
    expect(announced).toEqual([0, locked.version]);
    await store.close();
  });

  it('[SR-2] a version read below the last one told here is not announced', async () => {
    const { store, service, announced, code, join, watchOver } = await roomOnNode(() => {});
    const fanny = await join();
    // The watch's read is answered by the store before this node's next write is stored, and its
    // answer is read by the node after that write's (two connections, a busy node): the version it
    // brings is older than the patch the room's people already have.
    let writeAfterRead: (() => Promise<unknown>) | null = null;
    const watch = watchOver({
      versions: async (codes) => {
        const versions = await store.versions(codes);
        const write = writeAfterRead;
        writeAfterRead = null;
        await write?.();
        return versions;
      },
    });
    await watch.look();
    expect(announced).toEqual([]); // the join's patch went out from here
    const first = await service.command(code, fanny, 'c1', { type: 'lock_room' });
    if (!first.ok) throw new Error('command refused');
    let second: Awaited<ReturnType<typeof service.command>> | undefined;
    writeAfterRead = async () => {
      second = await service.command(code, fanny, 'c2', { type: 'unlock_room' });
    };
    await watch.look();
    expect(second?.ok && second.version).toBe(first.version + 1);
    expect(service.toldVersion(code)).toBe(first.version + 1);
    expect(announced).toEqual([]);
    await store.close();
  });
});
