--[[
  The receiver took the head of a solution's export list: it leaves the list, only if it is still the
  element the sender read (a sender that lost its lease can never pop someone else's message).

  Input:
    KEYS[1] list          LIST   the solution's export messages, JSON, oldest first
    KEYS[2] retry         HASH   the head's retry state
    KEYS[3] stats         HASH   export totals: delivered, failed

    ARGV[1] head          string the head element as the sender read it (the compare-and-set token)

  Output:
    1  acked: popped, its retry state gone, counted delivered
    0  not-head: the element is not the head any more; nothing changed
]]
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HINCRBY', KEYS[3], 'delivered', 1)
return 1
