--[[
  Sets a solution's token hash, revoking the previous token.

  The caller reads the stored hash first and passes the previous token's index key as KEYS[3] (every key
  declared, as Redis Cluster expects); if the stored hash changed in between (a concurrent rotation), the
  script changes nothing and answers 'changed', and the caller reads again.

  Input:
    KEYS[1] solution      HASH   the solution's record
    KEYS[2] token         STRING the new token's index: sha256(token) -> solution id
    KEYS[3] oldToken      STRING the previous token's index (any key of the same slot when there was none)

    ARGV[1] id            string the solution id
    ARGV[2] newHash       string sha256 of the new token
    ARGV[3] expectedOld   string the stored hash the caller read ('' for none)
    ARGV[4] onlyIfNone    string '1' refuse when a token exists (issue once), '0' replace it

  Output:
     1  set
     0  exists: a token exists and onlyIfNone was '1'
    -1  missing: no such solution
    -2  changed: the stored hash is no longer ARGV[3]
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local old = redis.call('HGET', KEYS[1], 'tokenHash') or ''
if old ~= ARGV[3] then return -2 end
if old ~= '' then
  if ARGV[4] == '1' then return 0 end
  redis.call('DEL', KEYS[3])
end
redis.call('HSET', KEYS[1], 'tokenHash', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
return 1
