// The Redis store's Lua scripts. Each is atomic in Redis (no other command runs between its calls) and
// answers `~` + JSON (see redis.ts). A ledger entry is a JSON field of the user's ledger hash:
// { s: started at, x: reservation expires at, c: committed 0/1, f: finished 0/1, k: kind, j: job id }.

const PRELUDE = `local function flying(e, now)
  return e.k == 'video' and e.f == 0 and (e.c == 1 or e.x > now)
end
local function reply(value) return '~' .. cjson.encode(value) end
`;

export const SCRIPTS = {
  // KEYS: ledger of the user, sequence. ARGV: kind, now, windowMs, maxPerWindow, maxInFlight, ttlMs, userId.
  reserve: `${PRELUDE}
local now, window = tonumber(ARGV[2]), tonumber(ARGV[3])
local entries = redis.call('HGETALL', KEYS[1])
local w, f, active = 0, 0, {}
for i = 1, #entries, 2 do
  local e = cjson.decode(entries[i + 1])
  local inWindow = e.s > now - window
  local fly = flying(e, now)
  if inWindow then w = w + 1 end
  if fly then
    f = f + 1
    if e.c == 1 and e.j then active[#active + 1] = e.j end
  end
  -- Entries that count for nothing any more are dropped, so the ledger stays bounded.
  if not inWindow and not fly then redis.call('HDEL', KEYS[1], entries[i]) end
end
if w >= tonumber(ARGV[4]) then return reply({ ok = false, limit = 'window', count = w, active = active }) end
if ARGV[1] == 'video' and f >= tonumber(ARGV[5]) then
  return reply({ ok = false, limit = 'in_flight', count = f, active = active })
end
local reservation = redis.call('INCR', KEYS[2]) .. ':' .. ARGV[7]
redis.call('HSET', KEYS[1], reservation,
  cjson.encode({ s = now, x = now + tonumber(ARGV[6]), c = 0, f = 0, k = ARGV[1] }))
return reply({ ok = true, reservation = reservation })`,

  // KEYS: ledger of the reservation's user, ledger of the record's user, owner of the id, the user's
  // videos, the job's ledger pointer, sequence. ARGV: reservation, userId, id, kind, createdAt, reservation's user.
  commit: `${PRELUDE}
local reservation, user, id, kind, created = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local key, field, owner = KEYS[1], reservation, ARGV[6]
local raw = redis.call('HGET', key, field)
local e
if raw then
  e = cjson.decode(raw)
else
  -- Expired and dropped, or never known here: the API made the job, so it is on the ledger again.
  key, field, owner = KEYS[2], 'j:' .. reservation, user
  e = { s = created, x = 0, k = kind }
end
e.c = 1
e.j = id
e.f = (kind == 'character') and 1 or 0
redis.call('HSET', key, field, cjson.encode(e))
if redis.call('EXISTS', KEYS[5]) == 0 then redis.call('HSET', KEYS[5], 'user', owner, 'field', field) end
-- An id already owned keeps its first owner.
local first = redis.call('HGET', KEYS[3], 'user')
if first then return reply(first == user and 1 or 0) end
local member = string.format('%016d', redis.call('INCR', KEYS[6])) .. ':' .. id
redis.call('HSET', KEYS[3], 'user', user, 'kind', kind, 'member', member)
if kind == 'video' then redis.call('ZADD', KEYS[4], created, member) end
return reply(1)`,

  // KEYS: ledger of the reservation's user. ARGV: reservation.
  release: `${PRELUDE}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and cjson.decode(raw).c == 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return reply(0)`,

  // KEYS: owner of the id.
  owner: `${PRELUDE}
return reply(redis.call('HGET', KEYS[1], 'user') or cjson.null)`,

  // KEYS: the user's videos, owner of the cursor id. ARGV: order, limit, has cursor 0/1, userId.
  list: `${PRELUDE}
local asc, limit, start = ARGV[1] == 'asc', tonumber(ARGV[2]), 0
if ARGV[3] == '1' then
  local cursor = redis.call('HMGET', KEYS[2], 'user', 'member')
  if cursor[1] == ARGV[4] and cursor[2] then
    local rank
    if asc then rank = redis.call('ZRANK', KEYS[1], cursor[2]) else rank = redis.call('ZREVRANK', KEYS[1], cursor[2]) end
    -- A cursor the user does not own (or not a video) lists from the start, as the memory store does.
    if rank then start = rank + 1 end
  end
end
local members
if asc then members = redis.call('ZRANGE', KEYS[1], start, start + limit)
else members = redis.call('ZREVRANGE', KEYS[1], start, start + limit) end
if #members == 0 then return '~[]' end
return reply(members)`,

  // KEYS: owner of the id, the user's videos. ARGV: userId.
  remove: `${PRELUDE}
local owner = redis.call('HMGET', KEYS[1], 'user', 'member')
if owner[1] == ARGV[1] then
  if owner[2] then redis.call('ZREM', KEYS[2], owner[2]) end
  redis.call('DEL', KEYS[1])
end
return reply(0)`,

  // KEYS: the job's ledger pointer.
  jobEntry: `${PRELUDE}
local entry = redis.call('HMGET', KEYS[1], 'user', 'field')
if not entry[1] then return reply(cjson.null) end
return reply({ user = entry[1], field = entry[2] })`,

  // KEYS: a ledger. ARGV: the job's entry.
  finish: `${PRELUDE}
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local e = cjson.decode(raw)
  e.f = 1
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(e))
end
return reply(0)`,

  // KEYS: the delivery. ARGV: state, ttl ms.
  dedupeAdd: `${PRELUDE}
return reply(redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0)`,
  dedupeSet: `${PRELUDE}
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return reply(0)`,
  dedupeGet: `${PRELUDE}
return reply(redis.call('GET', KEYS[1]) or cjson.null)`,
  dedupeDelete: `${PRELUDE}
redis.call('DEL', KEYS[1])
return reply(0)`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
