--[[
  A health report. Liveness uses the server's receive time; the status follows the newest observedAt,
  so a late, older report is kept in history without overriding a newer one.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] history       LIST   the solution's health reports, JSON, newest first
    KEYS[3] deadlines     ZSET   solution id -> when its state may next change

    ARGV[1] id            string the solution id
    ARGV[2] status        string 'healthy' | 'unhealthy'
    ARGV[3] observedAt    number ms, when the solution observed it
    ARGV[4] receivedAt    number ms, when secsol received it
    ARGV[5] message       string the report's message, or ''
    ARGV[6] reportJson    string the whole report, JSON, for the history
    ARGV[7] historyCap    number how many reports the history keeps

  Output:
     1  applied: the report is the newest observed, the status follows it
     0  history-only: an older report arrived late; kept in history, liveness updated
    -1  missing: no such solution
    -2  not-connected: the solution exists but is not connected
]]
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
if lifecycle ~= 'connected' then return -2 end
redis.call('LPUSH', KEYS[2], ARGV[6])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[7]) - 1)
local received = tonumber(ARGV[4])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastHealthAt') or '')
if last == nil or received > last then redis.call('HSET', KEYS[1], 'lastHealthAt', ARGV[4]) end
local observed = tonumber(ARGV[3])
local lastObserved = tonumber(redis.call('HGET', KEYS[1], 'lastObservedAt') or '')
local applied = 0
if lastObserved == nil or observed >= lastObserved then
  applied = 1
  redis.call('HSET', KEYS[1], 'lastObservedAt', ARGV[3], 'lastHealthStatus', ARGV[2], 'lastHealthMessage', ARGV[5])
  if ARGV[2] == 'unhealthy' then
    redis.call('HINCRBY', KEYS[1], 'unhealthyStreak', 1)
  else
    redis.call('HSET', KEYS[1], 'unhealthyStreak', 0)
  end
end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return applied
