--[[
  Nothing left in a solution's export list: the solution leaves the pending set.

  Input:
    KEYS[1] list          LIST   the solution's export messages, JSON, oldest first
    KEYS[2] pending       ZSET   solution id -> when its export list next needs a sender

    ARGV[1] solutionId    string the solution id (its member in KEYS[2])

  Output:
    1  settled: the list is empty and the solution left the pending set
    0  not-empty: messages arrived meanwhile; it stays pending
]]
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
