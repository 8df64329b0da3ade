--[[
  Sets facts learned without a report or an event (a connector's last event time, whether its source still
  lists the solution) on an existing solution. Like every write that can change a judgement it bumps `rev`
  (the evaluator's compare-and-set guard) and makes a connected solution due now; it never recreates a
  deleted solution, and it leaves `version` (what buttons carry) alone: it is not configuration.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] deadlines     ZSET   solution id -> when its state may next change

    ARGV[1] id            string the solution id
    ARGV[2] now           number ms, the new deadline of a connected solution
    ARGV[3..] fields      string field, value pairs

  Output:
     1  set
    -1  missing: no such solution
]]
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
if lifecycle == 'connected' then redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1]) end
return 1
