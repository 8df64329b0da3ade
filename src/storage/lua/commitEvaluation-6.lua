--[[
  The evaluator's commit: compare-and-set on the facts revision, the state and the flip sequence.
  The winner writes the flip, puts it in the outbox (when it deserves a message) and sets the next
  deadline in one atomic step.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] flip          HASH   the new flip's record
    KEYS[3] solutionFlips LIST   the solution's flip ids, newest first
    KEYS[4] deadlines     ZSET   solution id -> when its state may next change
    KEYS[5] outbox        ZSET   delivery id -> when it was written
    KEYS[6] channelOutbox ZSET   the same, for the flip's channel

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

  Output:
    'gone'   gone: the solution is no longer connected; it leaves the work list
    'stale'  stale: the facts, state or flip sequence changed since they were read
    'same'   same: the state did not change; reason and deadline updated
    'flip'   flip: the state changed and the flip was written
]]
local h = redis.call('HMGET', KEYS[1], 'lifecycle', 'rev', 'state', 'flipSeq')
local id = ARGV[1]
if h[1] ~= 'connected' then redis.call('ZREM', KEYS[4], id) return 'gone' end
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
setDeadline()
return 'flip'
