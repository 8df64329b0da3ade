--[[
  Sets a solution's token hash, revoking the previous token.

  The previous token's index key is derived here from the stored hash (ARGV[3] .. old), so it is the one
  key not passed in KEYS: it shares the hash tag of every secsol key, hence the slot, so it stays legal on
  Redis Cluster, but a strict cluster proxy would not see it declared.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] token         STRING the new token's index: sha256(token) -> solution id

    ARGV[1] id            string the solution id
    ARGV[2] newHash       string sha256 of the new token
    ARGV[3] tokenKeyPrefix string the token index key without the hash (keys.token(''))
    ARGV[4] onlyIfNone    string '1' refuse when a token exists (issue once), '0' replace it

  Output:
     1  set
     0  exists: a token exists and onlyIfNone was '1'
    -1  missing: no such solution
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local old = redis.call('HGET', KEYS[1], 'tokenHash')
if old and old ~= '' then
  if ARGV[4] == '1' then return 0 end
  redis.call('DEL', ARGV[3] .. old)
end
redis.call('HSET', KEYS[1], 'tokenHash', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
return 1
