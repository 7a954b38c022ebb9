import { createHash } from 'node:crypto';

/** A Lua script run with EVALSHA, falling back to EVAL when the server answers NOSCRIPT. */
export type LuaScript = { readonly name: string; readonly source: string; readonly sha: string };

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Compare-and-set of one room document `{"gen":…,"version":…,"recent":[…],"room":…}`.
 * KEYS: room key, timers set, turn key.
 * ARGV: mode ('w' write, 'c' check only), expected gen, expected version, new room JSON, ttl seconds,
 * recent limit, node id, turn ms, new version, n, m, then n command ids, then m members to remove from
 * the timers set (timers the batch cancelled: fired, replaced), then (deadline, member) pairs to add.
 * Replies: {0} not found · {2, current document} conflict · {3} done ·
 * {4} yield (another node has the turn: try again shortly with the same copy).
 *
 * A conflict hands back the current document, so the caller runs its steps again without another read.
 * The ids are checked against the stored ones too: a command another node applied is never applied
 * again (with a current copy the caller has already seen them; the check guards against a stale one).
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
local me = ARGV[7]
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
local version = doc.version
local recent = doc.recent
if type(recent) ~= 'table' then recent = {} end
local n = tonumber(ARGV[10])
local m = tonumber(ARGV[11])
local stale = doc.gen ~= ARGV[2] or tonumber(version) ~= tonumber(ARGV[3])
if not stale and n > 0 then
  local seen = {}
  for i = 1, #recent do seen[recent[i]] = true end
  for i = 12, 11 + n do
    if seen[ARGV[i]] then stale = true end
  end
end
if stale then
  redis.call('SET', KEYS[3], me, 'PX', ARGV[8], 'NX')
  return {2, raw}
end
local turn = redis.call('GET', KEYS[3])
if turn and turn ~= me then return {4} end
if turn then redis.call('DEL', KEYS[3]) end
if ARGV[1] ~= 'w' then return {3} end
for i = 12, 11 + n do recent[#recent + 1] = ARGV[i] end
local limit = tonumber(ARGV[6])
if #recent > limit then
  local kept = {}
  for i = #recent - limit + 1, #recent do kept[#kept + 1] = recent[i] end
  recent = kept
end
local recentJson = '[]'
if #recent > 0 then recentJson = cjson.encode(recent) end
redis.call('SET', KEYS[1], '{"gen":' .. cjson.encode(ARGV[2]) .. ',"version":' .. ARGV[9] .. ',"recent":' .. recentJson .. ',"room":' .. ARGV[4] .. '}', 'EX', ARGV[5])
for i = 12 + n, 11 + n + m do
  redis.call('ZREM', KEYS[2], ARGV[i])
end
for i = 12 + n + m, #ARGV, 2 do
  redis.call('ZADD', KEYS[2], ARGV[i], ARGV[i + 1])
end
return {3}
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
 * KEYS: timers set. ARGV: now, limit, lease end, room key prefix ('cercle:room:'). Leases the due
 * members in one step (TM-10): each one's score becomes the lease's end, so no other caller claims it
 * before; the firing's write removes it (cancel), and one not fired is due again when the lease ends.
 * A member whose room key is gone (expired, flushed) is removed instead. Reply: flat [member, score, …]
 * of the leased members with their score before the claim.
 * The room keys are not declared in KEYS (they are known only once the members are read): fine on one
 * Redis; a Redis Cluster needs the timers split by hash slot.
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
 * KEYS: room key, timers set, turn key. ARGV: member prefix ('code|'). Deletes the room, its turn and
 * its pending timers at once. Finding the timers walks the set of pending deadlines (one per running room at most, plus
 * stale ones until they fall due): fine for an operation that runs once per meeting.
 */
export const purgeRoomScript = script(
  'purgeRoom',
  `
redis.call('DEL', KEYS[1], KEYS[3])
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
