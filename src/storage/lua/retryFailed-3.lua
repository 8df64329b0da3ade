--[[
  Puts a failed delivery back in the outbox (an operator's re-drive).

  Input:
    KEYS[1] item          HASH   the delivery item
    KEYS[2] outbox        ZSET   its kind's outbox: delivery id -> when it was written
    KEYS[3] backlog       ZSET   the channel backlog its kind uses (KEYS[2] again for kinds without one)

    ARGV[1] channel       string the item's channel (must match the stored one)
    ARGV[2] now           number ms, the new outbox score

  Output:
     1  requeued
     0  not-failed: the item is in another state (or another channel)
    -1  missing: no such item
]]
local h = redis.call('HMGET', KEYS[1], 'delivery', 'channel')
if not h[1] then return -1 end
if h[1] ~= 'failed' or h[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'delivery', 'pending')
redis.call('HDEL', KEYS[1], 'error', 'sendingSince', 'deliveredAt')
redis.call('ZADD', KEYS[2], ARGV[2], redis.call('HGET', KEYS[1], 'id') or '')
redis.call('ZADD', KEYS[3], ARGV[2], redis.call('HGET', KEYS[1], 'id') or '')
return 1
