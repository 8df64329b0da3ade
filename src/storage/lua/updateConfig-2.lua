--[[
  A configuration change, applied only at the expected version (a stale modal or button must not
  overwrite a newer change). It bumps rev, so a connected solution is judged again now.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] deadlines     ZSET   solution id -> when its state may next change

    ARGV[1] id            string the solution id
    ARGV[2] expectedVersion number the version the change was built at, or '' (no check)
    ARGV[3] now           number ms, the new deadline of a connected solution
    ARGV[4..] fields      string field, value pairs to set

  Output:
     1  ok
     0  stale: the version changed
    -1  missing: no such solution
]]
local h = redis.call('HMGET', KEYS[1], 'version', 'lifecycle')
if not h[1] then return -1 end
if ARGV[2] ~= '' and h[1] ~= ARGV[2] then return 0 end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[1], 'rev', 1)
if h[2] == 'connected' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1
