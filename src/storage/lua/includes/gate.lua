-- The ingestion gate, included by the ingestion scripts (`--- @include "gate"`): the token lookup, its
-- constant-time comparison with the solution's stored hash and the per-token rate limit, in the same round
-- trip as the write. Without a gate (hash == '') the caller already knows who it is (tests, the reporter).
-- Returns nil to go on, or the refusal: {-3} unknown or revoked token, {-4} another solution's token,
-- {-5, pttl} rate limited.
local function sameDigest(a, b)
  if #a ~= #b then return false end
  local diff = 0
  for i = 1, #a do diff = bit.bor(diff, bit.bxor(string.byte(a, i), string.byte(b, i))) end
  return diff == 0
end
local function gate(solutionKey, tokenKey, rateKey, id, hash, windowMs, limit)
  if hash == '' then return nil end
  local owner = redis.call('GET', tokenKey)
  if not owner then return {-3} end
  if owner ~= id then return {-4} end
  local stored = redis.call('HGET', solutionKey, 'tokenHash')
  if not stored or not sameDigest(stored, hash) then return {-3} end
  local n = redis.call('INCR', rateKey)
  if n == 1 then redis.call('PEXPIRE', rateKey, windowMs) end
  if n > tonumber(limit) then return {-5, redis.call('PTTL', rateKey)} end
  return nil
end
