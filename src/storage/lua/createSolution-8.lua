--[[
  Creates a solution, unless its id was ever used or its name is taken. A connected solution enters the
  evaluator's work list.

  An id names one incarnation: once created it is never handed out again, even after a delete, so a flip,
  an outbox item, a job, a button or an enrollment of a deleted solution can never reach a new one that
  happens to share its name. Ids used before the used-id set existed still have their audit stream or flip
  list, which count as used too.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] solutions     SET    every solution id
    KEYS[3] deadlines     ZSET   solution id -> when its state may next change
    KEYS[4] statusIndex   ZSET   the status read model: '<rank>:<id>' per connected solution, 'd:<id>' per
                                 discovered one, all at score 0 (storage/status-index.ts)
    KEYS[5] usedIds       SET    every solution id ever created
    KEYS[6] names         HASH   name key -> the id of the solution holding that name
    KEYS[7] solutionAudit STREAM the id's audit trail (kept after a delete)
    KEYS[8] solutionFlips LIST   the id's flips (kept after a delete)

    ARGV[1] id            string the solution id
    ARGV[2] now           number ms, becomes stateSince
    ARGV[3] deadline      number ms of the first evaluation, or '' (not connected: no deadline)
    ARGV[4] nameKey       string the name's key (case and spacing folded)
    ARGV[5..] fields      string field, value pairs of the record (solutionFields)

  Output:
     1  created
     0  id-taken: the id is in use or was used before, nothing written
    -1  name-taken: another solution holds the name (names[nameKey] says which), nothing written
]]
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('SISMEMBER', KEYS[5], ARGV[1]) == 1
  or redis.call('EXISTS', KEYS[7]) == 1 or redis.call('EXISTS', KEYS[8]) == 1 then
  return 0
end
if redis.call('HEXISTS', KEYS[6], ARGV[4]) == 1 then return -1 end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
redis.call('HSET', KEYS[1], 'rev', 1, 'state', 'not_reported', 'stateSince', ARGV[2], 'flipSeq', 0,
  'unhealthyStreak', 0, 'nameKey', ARGV[4])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('HSET', KEYS[6], ARGV[4], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
-- The read model: a connected solution starts as not_reported (rank 2); a discovered one is listed apart.
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if lifecycle == 'connected' then redis.call('ZADD', KEYS[4], 0, '2:' .. ARGV[1]) end
if lifecycle == 'discovered' then redis.call('ZADD', KEYS[4], 0, 'd:' .. ARGV[1]) end
return 1
