--[[
  HSET only when the hash exists: never creates a half-written record.

  Input:
    KEYS[1] hash          HASH   the record to update

    ARGV[1..] fields      string field, value pairs

  Output:
    1  set
    0  missing: no such record, nothing written
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
