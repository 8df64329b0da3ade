--[[
  Extends a key's time to live if it still holds the value its holder set (a compare-and-expire).

  Input:
    KEYS[1] key           STRING the held key

    ARGV[1] value         string what the holder set
    ARGV[2] ttlMs         number the new time to live

  Output:
    1  extended
    0  not-held: expired, or someone else's now; left alone
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
