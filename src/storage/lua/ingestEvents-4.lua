--[[
  Security events, deduplicated by id: only ids not seen within the remembered window are stored.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] events        LIST   the solution's events, JSON, newest first
    KEYS[3] eventIds      ZSET   event id -> receive time (the dedup window)
    KEYS[4] deadlines     ZSET   solution id -> when its state may next change

    ARGV[1] id            string the solution id
    ARGV[2] receivedAt    number ms, when secsol received them
    ARGV[3] listCap       number how many events the list keeps
    ARGV[4] idCap         number how many event ids the dedup window keeps
    ARGV[5..] events      string eventId, eventJson pairs

  Output:
    {id, ...}  accepted: the event ids newly stored (empty when all were duplicates)
    -1  missing: no such solution
    -2  not-connected: the solution exists but is not connected
]]
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
if lifecycle ~= 'connected' then return -2 end
local accepted = {}
for i = 5, #ARGV, 2 do
  if redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ARGV[i]) == 1 then
    redis.call('LPUSH', KEYS[2], ARGV[i + 1])
    accepted[#accepted + 1] = ARGV[i]
  end
end
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
if #accepted > 0 then
  redis.call('HSET', KEYS[1], 'lastEventAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
end
return accepted
