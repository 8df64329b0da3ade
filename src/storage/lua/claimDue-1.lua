--[[
  Claims a due entry of a schedule (escalations, maintenance window ends): only the worker that still
  sees the score it read moves it on, to a lease instant after which another worker may claim it again
  (the claimer crashed before finishing). The claimer removes the entry once its work is written.

  Input:
    KEYS[1] schedule      ZSET   member -> when it is due

    ARGV[1] member        string the entry (an incident's flip id, a window occurrence)
    ARGV[2] expectedScore number the score it was read at
    ARGV[3] leaseUntil    number ms until which the claim holds

  Output:
    1  claimed
    0  lost: another worker moved it, or it was cancelled
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
