import { createHash } from 'node:crypto';

/** A Lua script run with EVALSHA, falling back to EVAL when the server answers NOSCRIPT. */
export type LuaScript = { readonly name: string; readonly source: string; readonly sha: string };

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Compare-and-set of one room document `{"gen":…,"version":…,"room":…}`.
 * KEYS: room key, timers set, turn key, command ids hash.
 * ARGV: mode ('w' write, 'c' check only), expected gen, expected version, new room JSON, ttl seconds,
 * node id, turn ms, new version, n, m, then n (command id, fingerprint) pairs, then m members to remove
 * from the timers set (timers the batch cancelled: fired, replaced), then (deadline, member) pairs to add.
 * Replies: {0} not found · {2, current document} conflict · {3} done ·
 * {4} yield (another node has the turn: try again shortly with the same copy) ·
 * {5, [id, fingerprint, …]} some ids were applied before (SR-1): nothing written, the caller answers
 * those and runs the others again.
 *
 * A conflict hands back the current document, so the caller runs its steps again without another read.
 * The ids hash holds every command id applied to the room with its fingerprint, for the room's lifetime
 * (same TTL as the room): a retry is found however many commands came between.
 * The new room JSON is spliced in as text, never re-encoded by cjson (which would turn [] into {}).
 * Only the header before `,"room":` is decoded (the room is last, and that key cannot occur inside a
 * JSON string): a 1,000-card room is hundreds of KB that this script never decodes.
 *
 * Fairness: the node that loses a compare-and-set takes the room's turn (a key living `turn ms` at most)
 * and other nodes yield until it has written. Without it, a node with a steady stream of commands on a
 * room wins every race (it holds the fresh copy first) and starves the others.
 */
export const casRoomScript = script(
  'casRoom',
  `
local me = ARGV[6]
local function release()
  if redis.call('GET', KEYS[3]) == me then redis.call('DEL', KEYS[3]) end
end
local raw = redis.call('GET', KEYS[1])
if not raw then
  release()
  return {0}
end
local cut = string.find(raw, ',"room":', 1, true)
local doc = cjson.decode(string.sub(raw, 1, cut - 1) .. '}')
if doc.gen ~= ARGV[2] or tonumber(doc.version) ~= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[3], me, 'PX', ARGV[7], 'NX')
  return {2, raw}
end
local n = tonumber(ARGV[9])
local m = tonumber(ARGV[10])
local first = 11
if n > 0 then
  local ids = {}
  for i = 0, n - 1 do ids[#ids + 1] = ARGV[first + 2 * i] end
  local seen = redis.call('HMGET', KEYS[4], unpack(ids))
  local found = {}
  for i = 1, n do
    if seen[i] then
      found[#found + 1] = ids[i]
      found[#found + 1] = seen[i]
    end
  end
  if #found > 0 then return {5, found} end
end
local turn = redis.call('GET', KEYS[3])
if turn and turn ~= me then return {4} end
if turn then redis.call('DEL', KEYS[3]) end
if ARGV[1] ~= 'w' then return {3} end
redis.call('SET', KEYS[1], '{"gen":' .. cjson.encode(ARGV[2]) .. ',"version":' .. ARGV[8] .. ',"room":' .. ARGV[4] .. '}', 'EX', ARGV[5])
if n > 0 then
  local fields = {}
  for i = first, first + 2 * n - 1 do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', KEYS[4], unpack(fields))
end
redis.call('EXPIRE', KEYS[4], ARGV[5])
for i = first + 2 * n, first + 2 * n + m - 1 do
  redis.call('ZREM', KEYS[2], ARGV[i])
end
for i = first + 2 * n + m, #ARGV, 2 do
  redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1])
end
return {3}
`,
);

/** KEYS: room key, command ids hash. ARGV: document, ttl seconds. A new room (none under its code). */
export const createRoomScript = script(
  'createRoom',
  `
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return 0 end
redis.call('DEL', KEYS[2])
return 1
`,
);

/** KEYS: room key, command ids hash. ARGV: ttl seconds. Refreshes both TTLs; 0 when the room is gone. */
export const touchRoomScript = script(
  'touchRoom',
  `
if redis.call('EXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
`,
);

/** KEYS: room key, timers set. ARGV: deadline, member. Schedules only while the room exists. */
export const scheduleTimerScript = script(
  'scheduleTimer',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
`,
);

/**
 * KEYS: timers set. ARGV: now, limit, lease end, room key prefix in the set's own slot
 * ('cercle:{tag}:room:'). Leases the due members in one step (TM-10): each one's score becomes the lease's end, so no other caller claims it
 * before; the firing's write removes it (cancel), and one not fired is due again when the lease ends.
 * A member whose room key is gone (expired, flushed) is removed instead. Reply: flat [member, score, …]
 * of the leased members with their score before the claim.
 * The room keys are not declared in KEYS (they are known only once the members are read): each timers
 * set holds only the timers of rooms in its own slot (cluster/keys.ts), so on a Redis Cluster they are
 * on the node running the script.
 */
export const claimTimersScript = script(
  'claimTimers',
  `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #due, 2 do
  local member = due[i]
  local bar = string.find(member, '|', 1, true)
  if bar and redis.call('EXISTS', ARGV[4] .. string.sub(member, 1, bar - 1)) == 1 then
    redis.call('ZADD', KEYS[1], 'XX', ARGV[3], member)
    out[#out + 1] = member
    out[#out + 1] = due[i + 1]
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return out
`,
);

/**
 * KEYS: room key, timers set, turn key, command ids hash. ARGV: member prefix ('code|'). Deletes the
 * room, its turn, its command ids and its pending timers at once. Finding the timers walks the set of pending deadlines (one per running room at most, plus
 * stale ones until they fall due): fine for an operation that runs once per meeting.
 */
export const purgeRoomScript = script(
  'purgeRoom',
  `
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
local prefix = ARGV[1]
local removed = 0
local cursor = '0'
repeat
  local page = redis.call('ZSCAN', KEYS[2], cursor, 'MATCH', '*', 'COUNT', 500)
  cursor = page[1]
  local items = page[2]
  for i = 1, #items, 2 do
    if string.sub(items[i], 1, #prefix) == prefix then
      removed = removed + redis.call('ZREM', KEYS[2], items[i])
    end
  end
until cursor == '0'
return removed
`,
);
