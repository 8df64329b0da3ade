--[[
  The evaluator's commit: compare-and-set on the facts revision, the state and the flip sequence.
  The winner writes the flip, puts it in the outbox (when it deserves a message) and sets the next
  deadline in one atomic step; with export on, the flip's export message is appended in the same step.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] flip          HASH   the new flip's record
    KEYS[3] solutionFlips LIST   the solution's flip ids, newest first
    KEYS[4] deadlines     ZSET   solution id -> when its state may next change
    KEYS[5] outbox        ZSET   delivery id -> when it was written
    KEYS[6] channelOutbox ZSET   the same, for the flip's channel
    KEYS[7] exportList    LIST   the solution's continuous-export messages, JSON, oldest first
    KEYS[8] exportPending ZSET   solution id -> when its export list next needs a sender
    KEYS[9] statusIndex   ZSET   the status read model: '<rank>:<id>' per connected solution, 'd:<id>' per
                                 discovered one, all at score 0 (storage/status-index.ts)

    ARGV[1] id            string the solution id
    ARGV[2] expectedRev   number the facts revision the evaluation read
    ARGV[3] expectedState string the state the evaluation read
    ARGV[4] expectedSeq   number the flip sequence the evaluation read
    ARGV[5] newState      string the state the evaluation found
    ARGV[6] at            number ms, when the state changed
    ARGV[7] reason        string why, in words
    ARGV[8] deadline      number ms of the next evaluation, or '' (none)
    ARGV[9] flipId        string the new flip's id
    ARGV[10] deliverable  string '1' the flip enters the outbox, '0' it is quiet
    ARGV[11] channel      string the alert channel
    ARGV[12] kind         string 'incident' | 'escalation' | 'recovery' | 'quiet'
    ARGV[13] flipCap      number how many flip ids the solution's list keeps
    ARGV[14] flipTtlMs    number how long the flip record lives
    ARGV[15] now          number ms, the outbox score (when it was written)
    ARGV[16] export       string '1' continuous export is on: the flip joins the export list

  Output:
    'gone'   gone: the solution is no longer connected; it leaves the work list
    'stale'  stale: the facts, state or flip sequence changed since they were read
    'same'   same: the state did not change; reason and deadline updated
    'flip'   flip: the state changed and the flip was written
]]
local h = redis.call('HMGET', KEYS[1], 'lifecycle', 'rev', 'state', 'flipSeq')
local id = ARGV[1]
-- The read model's rank of each state (domain/model.ts STATE_ORDER; test/storage/scripts.test.ts checks).
local RANK = { unhealthy = '0', stopped_reporting = '1', not_reported = '2', healthy = '3' }
if h[1] ~= 'connected' then
  redis.call('ZREM', KEYS[4], id)
  if h[1] ~= 'discovered' then
    redis.call('ZREM', KEYS[9], '0:' .. id, '1:' .. id, '2:' .. id, '3:' .. id)
  end
  return 'gone'
end
if h[2] ~= ARGV[2] then return 'stale' end
local state = h[3] or 'not_reported'
local function setDeadline()
  if ARGV[8] == '' then redis.call('ZREM', KEYS[4], id) else redis.call('ZADD', KEYS[4], ARGV[8], id) end
end
if state == ARGV[5] then
  redis.call('HSET', KEYS[1], 'stateReason', ARGV[7])
  setDeadline()
  return 'same'
end
if state ~= ARGV[3] or (h[4] or '0') ~= ARGV[4] then return 'stale' end
redis.call('HSET', KEYS[1], 'state', ARGV[5], 'stateSince', ARGV[6], 'stateReason', ARGV[7],
  'flipSeq', tonumber(ARGV[4]) + 1)
-- The read model moves with the flip, in the same atomic step.
redis.call('ZREM', KEYS[9], RANK[state] .. ':' .. id)
redis.call('ZADD', KEYS[9], 0, RANK[ARGV[5]] .. ':' .. id)
local delivery = 'quiet'
if ARGV[10] == '1' then delivery = 'pending' end
redis.call('HSET', KEYS[2], 'id', ARGV[9], 'solutionId', id, 'from', state, 'to', ARGV[5], 'at', ARGV[6],
  'reason', ARGV[7], 'kind', ARGV[12], 'channel', ARGV[11], 'delivery', delivery)
redis.call('PEXPIRE', KEYS[2], ARGV[14])
redis.call('LPUSH', KEYS[3], ARGV[9])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[13]) - 1)
if ARGV[10] == '1' then
  redis.call('ZADD', KEYS[5], ARGV[15], ARGV[9])
  redis.call('ZADD', KEYS[6], ARGV[15], ARGV[9])
end
-- Continuous export (export on: ARGV[16] == '1'): every flip, alerting or quiet, joins its solution's
-- export list (KEYS[7]) in this same atomic step, and the solution is marked as having entries waiting
-- (KEYS[8], NX keeps a retry time already set). The message id is stable: derived from the flip id and
-- the solution's incarnation (createdAt), so a re-created solution id never reuses one.
if ARGV[16] == '1' then
  local s = redis.call('HMGET', KEYS[1], 'name', 'vendor', 'family', 'source', 'createdAt')
  redis.call('RPUSH', KEYS[7], cjson.encode({ type = 'flip',
    id = 'msg_' .. string.sub(redis.sha1hex('flip\n' .. id .. '\n' .. (s[5] or '') .. '\n' .. ARGV[9]), 1, 32),
    solutionId = id, name = s[1], vendor = s[2], family = s[3], source = s[4], queuedAt = ARGV[15],
    flipId = ARGV[9], at = ARGV[6], from = state, to = ARGV[5], reason = ARGV[7] }))
  redis.call('ZADD', KEYS[8], 'NX', ARGV[15], id)
end
setDeadline()
return 'flip'
