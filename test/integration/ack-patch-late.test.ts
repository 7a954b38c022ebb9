import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RoomPublisher, silentPublisher } from '../../server/src/rooms/publisher.js';
import { RoomService } from '../../server/src/rooms/roomService.js';
import { MAX_STORE_WAIT_MS } from '../../server/src/store/interface.js';
import { MemoryRoomStore } from '../../server/src/store/memory.js';
import { silentLogger } from '../support/silentLogger.js';

/** Past the service's backstop (the store's longest wait, and a second more). */
const LATE_MS = MAX_STORE_WAIT_MS + 1_500;

/**
 * SC-7 when the acknowledgement cannot carry the patch: the answer went out as `store_unavailable`
 * (the store's backstop) while the write was stored all the same. The sender's connection must get
 * that write's patch as a `room:patch`, whether the write was stored before the backstop or after it.
 */
describe('a stored write whose sender was answered store_unavailable [SC-7]', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function setUp(delay: 'answer' | 'write') {
    const store = new MemoryRoomStore({ sweepIntervalMs: 0 });
    const logger = silentLogger();
    // The store's apply: its answer held past the backstop, or the write itself made after it.
    const late = Object.create(store) as MemoryRoomStore;
    let slow = false;
    late.apply = ((...args: Parameters<MemoryRoomStore['apply']>) => {
      if (!slow) return store.apply(...args);
      if (delay === 'answer') {
        const applying = store.apply(...args);
        return new Promise((resolve) => setTimeout(() => resolve(applying), LATE_MS));
      }
      return new Promise((resolve) => setTimeout(() => resolve(store.apply(...args)), LATE_MS));
    }) as MemoryRoomStore['apply'];
    // Fake from the start: the backstop's one timer, armed by the setup's calls, runs on the fake clock
    // (it is not cleared when a call settles, only at a tick with nothing waiting: SR-11).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const service = new RoomService({ store: late, logger, storeTimeoutMs: 100 });
    const broadcasts: { to: number; except: readonly string[] }[] = [];
    const direct: { connection: string; to: number }[] = [];
    let broadcast: (() => void) | undefined;
    const publisher: RoomPublisher = {
      ...silentPublisher,
      patch: (_code, message, except) => {
        broadcasts.push({ to: message.to, except: [...except] });
        broadcast?.();
        return message;
      },
      patchTo: (connection, message) => {
        direct.push({ connection, to: message.to });
      },
    };
    service.publisher = publisher;
    const opened = await service.createRoom({ templateId: 'codev' });
    if (!opened.ok) throw new Error('room refused');
    const joined = await service.join(opened.code, { name: 'Fanny', facilitatorKey: opened.facilitatorKey! });
    if (!joined.ok) throw new Error('join refused');
    slow = true;
    const written = new Promise<void>((resolve) => {
      broadcast = resolve;
    });
    const fast = () => {
      slow = false;
    };
    return {
      service,
      code: opened.code,
      actor: joined.value.participantId,
      broadcasts,
      direct,
      written,
      fast,
    };
  }

  it('[SC-7] stored before the backstop, answered after it: the sender gets the patch as room:patch', async () => {
    const { service, code, actor, broadcasts, direct } = await setUp('answer');
    const answer = service.command(code, actor, 'c1', { type: 'lock_room' }, 'conn-1');
    await vi.advanceTimersByTimeAsync(LATE_MS);
    const ack = await answer;
    expect(ack).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    // Sent before the answer returned: nothing else will tell this connection.
    const version = broadcasts.at(-1)!.to;
    expect(broadcasts.at(-1)!.except).toEqual(['conn-1']);
    expect(direct).toEqual([{ connection: 'conn-1', to: version }]);
  });

  it('[SC-7] stored after the backstop answered: the sender is in the broadcast, nothing sent twice', async () => {
    const { service, code, actor, broadcasts, direct, written, fast } = await setUp('write');
    const before = broadcasts.length;
    const answer = service.command(code, actor, 'c1', { type: 'lock_room' }, 'conn-1');
    await vi.advanceTimersByTimeAsync(LATE_MS);
    const ack = await answer;
    expect(ack).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
    await written;
    fast();
    const stored = await service.command(code, actor, 'c1', { type: 'lock_room' }, 'conn-1');
    expect(stored.ok).toBe(true);
    expect(broadcasts.slice(before)).toEqual([{ to: stored.ok ? stored.version : -1, except: [] }]);
    expect(direct).toEqual([]);
  });
});
