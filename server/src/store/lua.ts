import { createHash } from 'node:crypto';

/** A Lua script run with EVALSHA, falling back to EVAL when the server answers NOSCRIPT. */
export type LuaScript = { readonly name: string; readonly source: string; readonly sha: string };

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Lua: runs `cmd key <ARGV[from..to]>` in chunks (unpack has a limit); chunks of pairs stay pairs. */
const EACH = `
local function each(cmd, key, from, to)
  local i = from
  while i <= to do
    local last = math.min(i + 999, to)
    redis.call(cmd, key, unpack(ARGV, i, last))
    i = last + 1
  end
end
`;

/**
 * Compare-and-set of one room hash (fields: roomFields.ts, SR-6): the header `h:gen`, `h:version` is
 * compared, and only the fields the batch changed are set or deleted.
 * A room's part of the call: KEYS (from `k + 1`): room key, timers set, turn key, command ids hash.
 * ARGV (from `a + 1` to `last`): first one argument of eleven words separated by spaces (`head`: one
 * argument, not eleven, each with its own length and line ends on the wire and in ioredis's encoding):
 * mode ('w' write, 'c' check only), expected gen, expected version, ttl seconds, node id, turn ms, new
 * version, n, m, s, d; then n (command id, fingerprint) pairs, then m
 * members to remove from the timers set (timers the batch cancelled: fired, replaced), then s (field,
 * value) pairs to set, then d fields to delete, then (deadline, member) pairs to add to the timers set.
 * Replies: {0} not found · {2, [field, value, …]} conflict: every field of the current room · {3} done ·
 * {4} yield (another node has the turn: try again shortly with the same copy) ·
 * {5, [id, fingerprint, …]} some ids were applied before (SR-1): nothing written, the caller answers
 * those and runs the others again.
 *
 * A conflict hands back the current room, so the caller runs its steps again without another read.
 * The ids hash holds every command id applied to the room with its fingerprint, for the room's lifetime
 * (same TTL as the room): a retry is found however many commands came between. Values are stored as
 * the node sent them: this script decodes no JSON.
 *
 * Fairness: the node that loses a compare-and-set takes the room's turn (a key living `turn ms` at most)
 * and other nodes yield until it has written. Without it, a node with a steady stream of commands on a
 * room wins every race (it holds the fresh copy first) and starves the others.
 *
 * Every room's verdict is read first (`verdict`, reads only), then every room's writes are made (`settle`):
 * a call that Redis refuses at its first write (out of memory) has written nothing for any of its rooms
 * (Redis lets a script that has written go on to its end). SR-9: rooms in one call are independent, each
 * gets its own reply.
 */
const CAS_ROOM = `${EACH}
local function head(a)
  local h = {}
  for word in string.gmatch(ARGV[a + 1], '%S+') do h[#h + 1] = word end
  return h
end
local function verdict(k, a, h)
  local head = redis.call('HMGET', KEYS[k + 1], 'h:gen', 'h:version')
  if not head[1] then return {0} end
  if head[1] ~= h[2] or head[2] ~= h[3] then return {2} end
  local n = tonumber(h[8])
  local first = a + 2
  if n > 0 then
    local ids = {}
    for i = 0, n - 1 do ids[#ids + 1] = ARGV[first + 2 * i] end
    local seen = redis.call('HMGET', KEYS[k + 4], unpack(ids))
    local found = {}
    for i = 1, n do
      if seen[i] then
        found[#found + 1] = ids[i]
        found[#found + 1] = seen[i]
      end
    end
    if #found > 0 then return {5, found} end
  end
  local turn = redis.call('GET', KEYS[k + 3])
  if turn and turn ~= h[5] then return {4} end
  return {3, turn}
end
local function settle(k, a, last, v, h)
  local me = h[5]
  if v[1] == 0 then
    if redis.call('GET', KEYS[k + 3]) == me then redis.call('DEL', KEYS[k + 3]) end
    return {0}
  end
  if v[1] == 2 then
    redis.call('SET', KEYS[k + 3], me, 'PX', h[6], 'NX')
    return {2, redis.call('HGETALL', KEYS[k + 1])}
  end
  if v[1] ~= 3 then return v end
  if v[2] then redis.call('DEL', KEYS[k + 3]) end
  if h[1] ~= 'w' then return {3} end
  local n = tonumber(h[8])
  local m = tonumber(h[9])
  local s = tonumber(h[10])
  local d = tonumber(h[11])
  local first = a + 2
  local sets = first + 2 * n + m
  local dels = sets + 2 * s
  -- The new version and the first 1,000 values (all of them, but in a big write) in one HSET.
  local cut = math.min(sets + 999, dels - 1)
  redis.call('HSET', KEYS[k + 1], 'h:version', h[7], unpack(ARGV, sets, cut))
  each('HSET', KEYS[k + 1], cut + 1, dels - 1)
  each('HDEL', KEYS[k + 1], dels, dels + d - 1)
  redis.call('EXPIRE', KEYS[k + 1], h[4])
  if n > 0 then each('HSET', KEYS[k + 4], first, first + 2 * n - 1) end
  redis.call('EXPIRE', KEYS[k + 4], h[4])
  for i = first + 2 * n, sets - 1 do
    redis.call('ZREM', KEYS[k + 2], ARGV[i])
  end
  for i = dels + d, last, 2 do
    redis.call('ZADD', KEYS[k + 2], ARGV[i], ARGV[i + 1])
  end
  return {3}
end
`;

/** One room's compare-and-set: KEYS and ARGV are the room's part alone (see CAS_ROOM). */
export const casRoomScript = script(
  'casRoom',
  `${CAS_ROOM}
local h = head(0)
return settle(0, 0, #ARGV, verdict(0, 0, h), h)
`,
);

/**
 * The compare-and-set of several rooms in one call (SR-9), each exactly as `casRoomScript` would run it.
 * KEYS: each room's four keys in turn. ARGV: for each room in the same order, the length of its part,
 * then its part. Reply: each room's reply, in order. On a Redis Cluster the rooms of one call share a
 * slot (one shard: cluster/keys.ts), as every key of a script must.
 */
export const casRoomsScript = script(
  'casRooms',
  `${CAS_ROOM}
local parts = {}
local a = 0
for k = 0, #KEYS - 4, 4 do
  local length = tonumber(ARGV[a + 1])
  parts[#parts + 1] = {k, a + 1, a + 1 + length}
  a = a + 1 + length
end
local heads = {}
local verdicts = {}
for i = 1, #parts do
  heads[i] = head(parts[i][2])
  verdicts[i] = verdict(parts[i][1], parts[i][2], heads[i])
end
local out = {}
for i = 1, #parts do out[i] = settle(parts[i][1], parts[i][2], parts[i][3], verdicts[i], heads[i]) end
return out
`,
);

/**
 * KEYS: room key, command ids hash. ARGV: ttl seconds, then (field, value) pairs. A new room (none under
 * its code), every field at once.
 */
export const createRoomScript = script(
  'createRoom',
  `${EACH}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
each('HSET', KEYS[1], 2, #ARGV)
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`,
);

/**
 * KEYS: room key. ARGV: entry field prefix ('e:<map>:'). The fields of one map's entries, without the
 * rest of the room: {0} no room · {1, [field, value, …]}. HSCAN walks the hash but replies only the
 * matching fields (the seats of a 1,000-card room are a few KB of its hundreds).
 */
export const mapEntriesScript = script(
  'mapEntries',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local out = {}
local cursor = '0'
repeat
  local page = redis.call('HSCAN', KEYS[1], cursor, 'MATCH', ARGV[1] .. '*', 'COUNT', 1000)
  cursor = page[1]
  local items = page[2]
  for i = 1, #items do out[#out + 1] = items[i] end
until cursor == '0'
return {1, out}
`,
);

/**
 * A read of the room by a node that holds a copy of it: the copy's header is compared, and the room is
 * sent only when it differs (a stale copy is never served: SR-8).
 * KEYS: room key. ARGV: the copy's gen, the copy's version.
 * Replies: {0} not found · {1} the copy is the stored room · {2, [field, value, …]} every field of the room.
 */
export const readRoomScript = script(
  'readRoom',
  `
local head = redis.call('HMGET', KEYS[1], 'h:gen', 'h:version')
if not head[1] then return {0} end
if head[1] == ARGV[1] and head[2] == ARGV[2] then return {1} end
return {2, redis.call('HGETALL', KEYS[1])}
`,
);

/**
 * KEYS: room keys (in one slot on a Redis Cluster). Reply: each room's `h:version` in KEYS's order, nil
 * for a room that is not there. The room watch's read (SR-2): one command for many rooms, not one each.
 */
export const roomVersionsScript = script(
  'roomVersions',
  `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGET', KEYS[i], 'h:version') end
return out
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
 * KEYS: timers sets (one, or every shard's on one Redis). ARGV: now, limit, lease end, then for each set
 * in KEYS's order the room key prefix in that set's slot ('cercle:{tag}:room:'). Leases the due members
 * of each set, at most `limit` per set, in one step (TM-10): each one's score becomes the lease's end, so
 * no other caller claims it before; the firing's write removes it (cancel), and one not fired is due
 * again when the lease ends. A member whose room key is gone (expired, flushed) is removed instead.
 * Reply: flat [member, score, …] of the leased members with their score before the claim.
 * The room keys are not declared in KEYS (they are known only once the members are read): each timers
 * set holds only the timers of rooms in its own slot (cluster/keys.ts), so on a Redis Cluster, where a
 * call names one set, they are on the node running the script.
 */
export const claimTimersScript = script(
  'claimTimers',
  `
local out = {}
for k = 1, #KEYS do
  local prefix = ARGV[3 + k]
  local due = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[2]))
  for i = 1, #due, 2 do
    local member = due[i]
    local bar = string.find(member, '|', 1, true)
    if bar and redis.call('EXISTS', prefix .. string.sub(member, 1, bar - 1)) == 1 then
      redis.call('ZADD', KEYS[k], 'XX', ARGV[3], member)
      out[#out + 1] = member
      out[#out + 1] = due[i + 1]
    else
      redis.call('ZREM', KEYS[k], member)
    end
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
