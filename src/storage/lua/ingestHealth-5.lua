--[[
  A health report. Liveness uses the server's receive time; the status follows the newest observedAt,
  so a late, older report is kept in history without overriding a newer one. The history keeps at most
  historyCap reports and historyBudget bytes (the newest report always): the oldest go first, in this step.

  Input:
    KEYS[1] solution      HASH   the solution's record; also healthBytes (the history's bytes)
    KEYS[2] history       LIST   the solution's health reports, JSON, newest first
    KEYS[3] deadlines     ZSET   solution id -> when its state may next change
    KEYS[4] token         STRING sha256(token) -> solution id (read only when ARGV[9] is set)
    KEYS[5] rate          STRING the token's request counter for this window (only when ARGV[9] is set)

    ARGV[1] id            string the solution id
    ARGV[2] status        string 'healthy' | 'unhealthy'
    ARGV[3] observedAt    number ms, when the solution observed it
    ARGV[4] receivedAt    number ms, when secsol received it
    ARGV[5] message       string the report's message, or ''
    ARGV[6] reportJson    string the whole report, JSON, for the history
    ARGV[7] historyCap    number how many reports the history keeps
    ARGV[8] historyBudget number how many bytes of reports the history keeps (at least the newest)
    ARGV[9] tokenHash     string sha256 of the presented token, or '' (no gate)
    ARGV[10] rateWindowMs number the rate window's length (gated only)
    ARGV[11] rateLimit    number requests allowed per token per window (gated only)

  Output:
     1  applied: the report is the newest observed, the status follows it
     0  history-only: an older report arrived late; kept in history, liveness updated
    -1  missing: no such solution
    -2  not-connected: the solution exists but is not connected
    -3  unauthorized: the token is unknown, revoked or not this solution's current one (gated only)
    -4  another solution's token (gated only; the caller tells 401 from 403)
    {-5, pttl}  rate limited: the token used up its window (gated only)
]]
--- @include "gate"
local refused = gate(KEYS[1], KEYS[4], KEYS[5], ARGV[1], ARGV[9], ARGV[10], ARGV[11])
if refused then return refused end
local h = redis.call('HMGET', KEYS[1], 'lifecycle', 'lastHealthAt', 'lastObservedAt', 'healthBytes')
if not h[1] then return -1 end
if h[1] ~= 'connected' then return -2 end
-- The running byte total. A history written before the budget existed has none: counted once, here.
local bytes = tonumber(h[4])
if bytes == nil then
  bytes = 0
  for _, r in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do bytes = bytes + #r end
end
redis.call('LPUSH', KEYS[2], ARGV[6])
bytes = bytes + #ARGV[6]
local cap = tonumber(ARGV[7])
if redis.call('LLEN', KEYS[2]) > cap then
  for _, r in ipairs(redis.call('LRANGE', KEYS[2], cap, -1)) do bytes = bytes - #r end
  redis.call('LTRIM', KEYS[2], 0, cap - 1)
end
local budget = tonumber(ARGV[8])
while bytes > budget and redis.call('LLEN', KEYS[2]) > 1 do
  bytes = bytes - #redis.call('RPOP', KEYS[2])
end
redis.call('HSET', KEYS[1], 'healthBytes', bytes)
local received = tonumber(ARGV[4])
local last = tonumber(h[2] or '')
if last == nil or received > last then redis.call('HSET', KEYS[1], 'lastHealthAt', ARGV[4]) end
local observed = tonumber(ARGV[3])
local lastObserved = tonumber(h[3] or '')
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
