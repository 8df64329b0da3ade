--[[
  An operator sends a failed message again: back at the end of its solution's list, once.

  Input:
    KEYS[1] failedEntry   STRING the failed message's record, JSON
    KEYS[2] failed        ZSET   failed message id -> when it failed (the re-drivable ones)
    KEYS[3] list          LIST   the solution's export messages, JSON, oldest first
    KEYS[4] pending       ZSET   solution id -> when its export list next needs a sender

    ARGV[1] messageId     string the message's id (its member in KEYS[2])
    ARGV[2] element       string the list element to append, JSON
    ARGV[3] now           number ms, its pending score (kept if the solution is already pending)
    ARGV[4] solutionId    string the solution id (its member in KEYS[4])

  Output:
    1  requeued: appended to the list, no longer failed
    0  not-failed: the message is not (or no longer) failed; nothing changed
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], 'NX', ARGV[3], ARGV[4])
return 1
