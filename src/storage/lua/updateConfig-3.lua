--[[
  A configuration change, applied only at the expected version (a stale modal or button must not
  overwrite a newer change). It bumps rev, so a connected solution is judged again now. A new name must be
  free: the name index moves with it in the same step.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] deadlines     ZSET   solution id -> when its state may next change
    KEYS[3] names         HASH   name key -> the id of the solution holding that name

    ARGV[1] id            string the solution id
    ARGV[2] expectedVersion number the version the change was built at, or '' (no check)
    ARGV[3] now           number ms, the new deadline of a connected solution
    ARGV[4] nameKey       string the new name's key, or '' (the name does not change)
    ARGV[5..] fields      string field, value pairs to set

  Output:
     1  ok
     0  stale: the version changed
    -1  missing: no such solution
    -2  name-taken: another solution holds the new name (names[nameKey] says which), nothing written
]]
local h = redis.call('HMGET', KEYS[1], 'version', 'lifecycle', 'nameKey')
if not h[1] then return -1 end
if ARGV[2] ~= '' and h[1] ~= ARGV[2] then return 0 end
if ARGV[4] ~= '' then
  local holder = redis.call('HGET', KEYS[3], ARGV[4])
  if holder and holder ~= ARGV[1] then return -2 end
  redis.call('HSET', KEYS[3], ARGV[4], ARGV[1])
  redis.call('HSET', KEYS[1], 'nameKey', ARGV[4])
  if h[3] and h[3] ~= ARGV[4] and redis.call('HGET', KEYS[3], h[3]) == ARGV[1] then
    redis.call('HDEL', KEYS[3], h[3])
  end
end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[1], 'rev', 1)
if h[2] == 'connected' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1
