--[[
  Cancels an enrollment still waiting for a decision (its solution was deleted): its Approve and Deny
  buttons then answer who cancelled it, and a poll answers 'cancelled'. A decided one is left as it is.

  Input:
    KEYS[1] enrollment    HASH   the enrollment request

    ARGV[1] actor         string who deleted the solution
    ARGV[2] at            number ms, when

  Output:
    1  cancelled
    0  not-pending: missing, or decided already
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'decidedBy', ARGV[1], 'decidedAt', ARGV[2])
return 1
