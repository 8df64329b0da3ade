--[[
  Security events, deduplicated by id: only ids not seen within the remembered window are stored, and the
  solution's stored events stay within a byte budget (the oldest are dropped to make room, in this step).

  Input:
    KEYS[1] solution      HASH   the solution's record; also eventBytes (the stored events' bytes) and eventSeq
                                 (the sequence number of the newest stored event)
    KEYS[2] events        LIST   the solution's events, JSON, newest first
    KEYS[3] eventIds      ZSET   event id -> receive time (the dedup window)
    KEYS[4] deadlines     ZSET   solution id -> when its state may next change
    KEYS[5] exportList    LIST   the solution's continuous-export messages, JSON, oldest first
    KEYS[6] exportPending ZSET   solution id -> when its export list next needs a sender
    KEYS[7] eventStats    HASH   events dropped, every solution together: 'dropped:<reason>' -> count
    KEYS[8] token         STRING sha256(token) -> solution id (read only when ARGV[6] is set)
    KEYS[9] rate          STRING the token's request counter for this window (only when ARGV[6] is set)

    ARGV[1] id            string the solution id
    ARGV[2] receivedAt    number ms, when secsol received them
    ARGV[3] listCap       number how many events the list keeps
    ARGV[4] idCap         number how many event ids the dedup window keeps
    ARGV[5] export        string '1' continuous export is on: accepted events join the export list
    ARGV[6] tokenHash     string sha256 of the presented token, or '' (no gate)
    ARGV[7] rateWindowMs  number the rate window's length (gated only)
    ARGV[8] rateLimit     number requests allowed per token per window (gated only)
    ARGV[9] budget        number how many bytes of events the list keeps
    ARGV[10..] events     string eventId, eventJson pairs

  Output:
    {0, alertChannel, id, seq, ...}  accepted: the solution's alert channel ('' for the default) and, per
                                event newly stored, its id and its sequence number (the event sits at list
                                position eventSeq - seq while kept; 0: larger than the whole budget, never
                                kept). No pairs when all were duplicates.
    -1  missing: no such solution
    -2  not-connected: the solution exists but is not connected
    -3  unauthorized: the token is unknown, revoked or not this solution's current one (gated only)
    -4  another solution's token (gated only; the caller tells 401 from 403)
    {-5, pttl}  rate limited: the token used up its window (gated only)
]]
--- @include "gate"
local refused = gate(KEYS[1], KEYS[8], KEYS[9], ARGV[1], ARGV[6], ARGV[7], ARGV[8])
if refused then return refused end
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
if lifecycle ~= 'connected' then return -2 end
-- Continuous export (export on: ARGV[5] == '1'): each accepted event is copied into its solution's
-- export list (KEYS[5]) in this same atomic step, and the solution is marked as having entries waiting
-- (KEYS[6], NX keeps a retry time already set). The message id is stable: derived from the event id and
-- the solution's incarnation (createdAt).
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
-- The running byte total. A list written before the budget existed has none: counted once, here.
local budget = tonumber(ARGV[9])
local state = redis.call('HMGET', KEYS[1], 'eventBytes', 'eventSeq', 'alertChannel')
local bytes = tonumber(state[1])
local counted = bytes ~= nil
if not counted then
  bytes = 0
  for _, e in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do bytes = bytes + #e end
end
local seq = tonumber(state[2]) or 0
local dropped = { budget = 0, count = 0, oversize = 0 }
local accepted = {0, state[3] or ''}
for i = 10, #ARGV, 2 do
  if redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ARGV[i]) == 1 then
    local json = ARGV[i + 1]
    local storedAs = 0
    -- An event larger than the whole budget would empty the list and still not fit: it is not kept
    -- (configuration keeps the budget above the largest event the API accepts, so only a connector's
    -- could be).
    if #json <= budget then
      redis.call('LPUSH', KEYS[2], json)
      seq = seq + 1
      bytes = bytes + #json
      storedAs = seq
    else
      dropped.oversize = dropped.oversize + 1
    end
    accepted[#accepted + 1] = ARGV[i]
    accepted[#accepted + 1] = storedAs
    if exportSolution then exportEvent(ARGV[i], ARGV[i + 1]) end
  end
end
-- The oldest go first: those past the count cap, then as many as the byte budget needs.
local cap = tonumber(ARGV[3])
if redis.call('LLEN', KEYS[2]) > cap then
  for _, e in ipairs(redis.call('LRANGE', KEYS[2], cap, -1)) do
    bytes = bytes - #e
    dropped.count = dropped.count + 1
  end
  redis.call('LTRIM', KEYS[2], 0, cap - 1)
end
while bytes > budget do
  local oldest = redis.call('RPOP', KEYS[2])
  if not oldest then bytes = 0 break end
  bytes = bytes - #oldest
  dropped.budget = dropped.budget + 1
end
for reason, n in pairs(dropped) do
  if n > 0 then redis.call('HINCRBY', KEYS[7], 'dropped:' .. reason, n) end
end
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
if #accepted > 2 or not counted then redis.call('HSET', KEYS[1], 'eventBytes', bytes, 'eventSeq', seq) end
if #accepted > 2 then
  redis.call('HSET', KEYS[1], 'lastEventAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
end
return accepted
