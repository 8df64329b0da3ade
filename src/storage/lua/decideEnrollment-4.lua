--[[
  An approver's decision on an enrollment, applied once; later clicks learn who decided first.

  Input:
    KEYS[1] enrollment    HASH   the enrollment request
    KEYS[2] solution      HASH   the solution's record
    KEYS[3] deadlines     ZSET   solution id -> when its state may next change
    KEYS[4] statusIndex   ZSET   the status read model: '<rank>:<id>' per connected solution, 'd:<id>' per
                                 discovered one, all at score 0 (storage/status-index.ts)

    ARGV[1] decision      string 'approved' | 'denied'
    ARGV[2] actor         string who decided
    ARGV[3] at            number ms, when
    ARGV[4] deadline      number ms of the first evaluation (on approval)
    ARGV[5] expectedVersion number the solution version the button was built at, or '' (no check)

  Output:
    {applied, status, decidedBy}
    {1, decision, actor}      the decision was applied: status 'approved' | 'denied'
    {0, status, decidedBy}    already decided: 'approved' | 'denied' | 'cancelled' (its solution was
                              deleted), and by whom
    {0, 'missing', ''}        missing: no such enrollment or solution
    {0, 'stale', ''}          stale: the solution changed since the button was built
]]
local e = redis.call('HMGET', KEYS[1], 'status', 'decidedBy', 'solutionId')
if not e[1] then return {0, 'missing', ''} end
if e[1] ~= 'pending' then return {0, e[1], e[2] or ''} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {0, 'missing', ''} end
if ARGV[5] and ARGV[5] ~= '' and redis.call('HGET', KEYS[2], 'version') ~= ARGV[5] then
  return {0, 'stale', ''}
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedBy', ARGV[2], 'decidedAt', ARGV[3])
redis.call('ZREM', KEYS[4], '0:' .. e[3], '1:' .. e[3], '2:' .. e[3], '3:' .. e[3], 'd:' .. e[3])
if ARGV[1] == 'approved' then
  redis.call('HSET', KEYS[2], 'lifecycle', 'connected', 'connectedAt', ARGV[3], 'state', 'not_reported',
    'stateSince', ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], e[3])
  redis.call('ZADD', KEYS[4], 0, '2:' .. e[3])
else
  redis.call('HSET', KEYS[2], 'lifecycle', 'dismissed')
end
redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HINCRBY', KEYS[2], 'rev', 1)
return {1, ARGV[1], ARGV[2]}
