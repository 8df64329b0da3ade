--[[
  The head failed for good: it leaves the list for the failed set (kept for re-drive) and the delivery
  errors log, only if it is still the element the sender read.

  Input:
    KEYS[1] list          LIST   the solution's export messages, JSON, oldest first
    KEYS[2] retry         HASH   the head's retry state
    KEYS[3] stats         HASH   export totals: delivered, failed
    KEYS[4] failed        ZSET   failed message id -> when it failed (the re-drivable ones)
    KEYS[5] failedEntry   STRING the failed message's record, JSON
    KEYS[6] errors        LIST   the delivery errors log, JSON, newest first

    ARGV[1] head          string the head element as the sender read it (the compare-and-set token)
    ARGV[2] messageId     string the message's id
    ARGV[3] record        string the failed record, JSON {at, solutionId, error, entry}
    ARGV[4] failedAt      number ms, when it failed (its score in KEYS[4])
    ARGV[5] entryTtlMs    number ms, how long the failed record is kept
    ARGV[6] error         string the delivery error to log, JSON
    ARGV[7] errorsCap     number how many delivery errors the log keeps

  Output:
    1  failed: moved to the failed set, counted and logged
    0  not-head: the element is not the head any more; nothing changed
]]
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HINCRBY', KEYS[3], 'failed', 1)
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
redis.call('LPUSH', KEYS[6], ARGV[6])
redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[7]) - 1)
return 1
