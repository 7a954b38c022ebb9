export * from './interface.js';
export { MemoryRoomStore, type MemoryRoomStoreOptions } from './memory.js';
export {
  RedisRoomStore,
  type RedisRoomStoreOptions,
  type RedisStoreStats,
  type StoreLogger,
} from './redis.js';
export { SqliteRoomStore, type SqliteRoomStoreOptions } from './sqlite/roomStore.js';
export { TimerPoller, type TimerPollerOptions } from './timers.js';
