--[[
  New events join the solution's event batch still waiting to be posted, so that a solution sending events
  faster than Slack takes messages (about one a second per channel) has one batch waiting, not one per
  request: what waits stays bounded however long the burst lasts.

  Input:
    KEYS[1] openBatch     STRING the id of the solution's batch still open to new events
    KEYS[2] batch         HASH   that batch (an event-batch outbox item)

    ARGV[1] batchId       string the open batch the caller read (KEYS[1] must still name it)
    ARGV[2] refs          string JSON [[eventId, seq], ...] of the new events
    ARGV[3] count         number how many alertable events they are
    ARGV[4] refCap        number how many refs a batch keeps (the rest are counted)

  Output:
     1  joined
     0  closed: no open batch, another one, or this one started rendering: make a new batch
    -1  not-yet: the batch is opened but its item is not written yet (its creator is writing it)
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local h = redis.call('HMGET', KEYS[2], 'eventRefs', 'closed', 'count')
if not h[1] then return -1 end
if h[2] then return 0 end
local refs = cjson.decode(h[1])
local cap = tonumber(ARGV[4])
for _, ref in ipairs(cjson.decode(ARGV[2])) do
  if #refs >= cap then break end
  refs[#refs + 1] = ref
end
redis.call('HSET', KEYS[2], 'eventRefs', cjson.encode(refs), 'count', (tonumber(h[3]) or 0) + tonumber(ARGV[3]))
return 1
