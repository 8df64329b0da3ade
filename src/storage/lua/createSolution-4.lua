--[[
  Creates a solution, unless its id is taken. A connected solution enters the evaluator's work list.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] solutions     SET    every solution id
    KEYS[3] deadlines     ZSET   solution id -> when its state may next change
    KEYS[4] statusIndex   ZSET   the status read model: '<rank>:<id>' per connected solution, 'd:<id>' per
                                 discovered one, all at score 0 (storage/status-index.ts)

    ARGV[1] id            string the solution id
    ARGV[2] now           number ms, becomes stateSince
    ARGV[3] deadline      number ms of the first evaluation, or '' (not connected: no deadline)
    ARGV[4..] fields      string field, value pairs of the record (solutionFields)

  Output:
    1  created
    0  exists: the id is taken, nothing written
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('HSET', KEYS[1], 'rev', 1, 'state', 'not_reported', 'stateSince', ARGV[2], 'flipSeq', 0,
  'unhealthyStreak', 0)
redis.call('SADD', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
-- The read model: a connected solution starts as not_reported (rank 2); a discovered one is listed apart.
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if lifecycle == 'connected' then redis.call('ZADD', KEYS[4], 0, '2:' .. ARGV[1]) end
if lifecycle == 'discovered' then redis.call('ZADD', KEYS[4], 0, 'd:' .. ARGV[1]) end
return 1
