--[[
  Puts one solution in the status read model from its record (a deployment that predates the read model):
  its members are replaced by the one its record says, atomically with respect to the scripts that move it.

  Input:
    KEYS[1] statusIndex   ZSET   the status read model (storage/status-index.ts)
    KEYS[2] solution      HASH   the solution's record

    ARGV[1] id            string the solution id

  Output:
    1  indexed: the solution is connected or discovered and has its member
    0  not-listed: no such solution, or dismissed (no member)
]]
local RANK = { unhealthy = '0', stopped_reporting = '1', not_reported = '2', healthy = '3' }
local id = ARGV[1]
redis.call('ZREM', KEYS[1], '0:' .. id, '1:' .. id, '2:' .. id, '3:' .. id, 'd:' .. id)
local h = redis.call('HMGET', KEYS[2], 'lifecycle', 'state')
if h[1] == 'connected' then
  redis.call('ZADD', KEYS[1], 0, (RANK[h[2] or 'not_reported'] or '2') .. ':' .. id)
  return 1
end
if h[1] == 'discovered' then
  redis.call('ZADD', KEYS[1], 0, 'd:' .. id)
  return 1
end
return 0
