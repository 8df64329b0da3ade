--[[
  The event batch is about to be rendered: it takes no more events (later ones start a new batch), so what
  is posted is exactly what joined it. Safe to run again on a retry.

  Input:
    KEYS[1] openBatch     STRING the id of the solution's batch still open to new events
    KEYS[2] batch         HASH   the batch being rendered

    ARGV[1] batchId       string its id

  Output:
    1  closed (now or before)
    0  missing: no such batch
]]
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'closed', '1')
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
