// Test only, loaded with `--import` into a node process (never by the server): the process dies with
// SIGKILL right after its first claim of due timers returned some, before it can fire them.
import { RedisRoomStore } from '../../server/src/store/redis.js';

const claim = RedisRoomStore.prototype.claimDueTimers;
RedisRoomStore.prototype.claimDueTimers = async function claimThenDie(this: RedisRoomStore, now, limit) {
  const due = await claim.call(this, now, limit);
  if (due.length > 0) process.kill(process.pid, 'SIGKILL');
  return due;
};
