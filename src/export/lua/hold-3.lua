--[[
  The head must wait (a retryable failure): records its retry state, and when the solution next needs a
  sender, only if it is still the element the sender read.

  Input:
    KEYS[1] list          LIST   the solution's export messages, JSON, oldest first
    KEYS[2] retry         HASH   the head's retry state
    KEYS[3] pending       ZSET   solution id -> when its export list next needs a sender

    ARGV[1] head          string the head element as the sender read it (the compare-and-set token)
    ARGV[2] messageId     string the head message's id
    ARGV[3] attempts      number attempts so far
    ARGV[4] nextAt        number ms, when to try again
    ARGV[5] lastError     string why the last attempt failed
    ARGV[6] solutionId    string the solution id (its member in KEYS[3])

  Output:
    1  held: retry state and next attempt recorded
    0  not-head: the element is not the head any more; nothing changed
]]
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'attempts', ARGV[3], 'nextAt', ARGV[4], 'lastError', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[6])
return 1
