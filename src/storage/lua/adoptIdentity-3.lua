--[[
  Puts one solution that predates the used-id set and the name index in them (run once per deployment,
  storage/solution-names.ts). Its name is indexed unless another solution already holds it: two solutions
  created with one name before names were unique keep working, reachable by id.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] usedIds       SET    every solution id ever created
    KEYS[3] names         HASH   name key -> the id of the solution holding that name

    ARGV[1] id            string the solution id
    ARGV[2] nameKey       string its name's key

  Output:
     1  indexed (or already was)
     0  name-shared: another solution holds the name; only the id was recorded
    -1  missing: no such solution
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
redis.call('SADD', KEYS[2], ARGV[1])
local held = redis.call('HGET', KEYS[1], 'nameKey')
if held then return 1 end
if redis.call('HSETNX', KEYS[3], ARGV[2], ARGV[1]) == 0 and redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'nameKey', ARGV[2])
return 1
