--[[
  Claims a due reminder: only the evaluator that still sees the score it read moves it on.

  Input:
    KEYS[1] reminders     ZSET   incident flip id -> when to remind

    ARGV[1] flipId        string the incident's flip id (the member)
    ARGV[2] expectedScore number the score it was read at
    ARGV[3] nextScore     number ms of the next reminder

  Output:
    1  claimed
    0  lost: another evaluator moved it, or it was cancelled
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
