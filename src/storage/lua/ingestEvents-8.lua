--[[
  Security events, deduplicated by id: only ids not seen within the remembered window are stored.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] events        LIST   the solution's events, JSON, newest first
    KEYS[3] eventIds      ZSET   event id -> receive time (the dedup window)
    KEYS[4] deadlines     ZSET   solution id -> when its state may next change
    KEYS[5] exportList    LIST   the solution's continuous-export messages, JSON, oldest first
    KEYS[6] exportPending ZSET   solution id -> when its export list next needs a sender
    KEYS[7] token         STRING sha256(token) -> solution id (read only when ARGV[6] is set)
    KEYS[8] rate          STRING the token's request counter for this window (only when ARGV[6] is set)

    ARGV[1] id            string the solution id
    ARGV[2] receivedAt    number ms, when secsol received them
    ARGV[3] listCap       number how many events the list keeps
    ARGV[4] idCap         number how many event ids the dedup window keeps
    ARGV[5] export        string '1' continuous export is on: accepted events join the export list
    ARGV[6] tokenHash     string sha256 of the presented token, or '' (no gate)
    ARGV[7] rateWindowMs  number the rate window's length (gated only)
    ARGV[8] rateLimit     number requests allowed per token per window (gated only)
    ARGV[9..] events      string eventId, eventJson pairs

  Output:
    {0, alertChannel, id, ...}  accepted: the solution's alert channel ('' for the default) and the event
                                ids newly stored (none when all were duplicates)
    -1  missing: no such solution
    -2  not-connected: the solution exists but is not connected
    -3  unauthorized: the token is unknown, revoked or not this solution's current one (gated only)
    -4  another solution's token (gated only; the caller tells 401 from 403)
    {-5, pttl}  rate limited: the token used up its window (gated only)
]]
--- @include "gate"
local refused = gate(KEYS[1], KEYS[7], KEYS[8], ARGV[1], ARGV[6], ARGV[7], ARGV[8])
if refused then return refused end
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
if lifecycle ~= 'connected' then return -2 end
-- Continuous export (export on: ARGV[5] == '1'): each accepted event is copied into its solution's
-- export list (KEYS[5]) in this same atomic step (the events list is capped; the copy is not), and the
-- solution is marked as having entries waiting (KEYS[6], NX keeps a retry time already set). The message
-- id is stable: derived from the event id and the solution's incarnation (createdAt).
local exportSolution = nil
if ARGV[5] == '1' then
  exportSolution = redis.call('HMGET', KEYS[1], 'name', 'vendor', 'family', 'source', 'createdAt')
end
local function exportEvent(eventId, eventJson)
  local s = exportSolution
  redis.call('RPUSH', KEYS[5], cjson.encode({ type = 'event',
    id = 'msg_' .. string.sub(redis.sha1hex('event\n' .. ARGV[1] .. '\n' .. (s[5] or '') .. '\n' .. eventId), 1, 32),
    solutionId = ARGV[1], name = s[1], vendor = s[2], family = s[3], source = s[4], queuedAt = ARGV[2],
    event = eventJson }))
  redis.call('ZADD', KEYS[6], 'NX', ARGV[2], ARGV[1])
end
local accepted = {0, redis.call('HGET', KEYS[1], 'alertChannel') or ''}
for i = 9, #ARGV, 2 do
  if redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ARGV[i]) == 1 then
    redis.call('LPUSH', KEYS[2], ARGV[i + 1])
    accepted[#accepted + 1] = ARGV[i]
    if exportSolution then exportEvent(ARGV[i], ARGV[i + 1]) end
  end
end
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
if #accepted > 2 then
  redis.call('HSET', KEYS[1], 'lastEventAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
end
return accepted
