--[[
  Extends a solution's sender lease if it is still ours.

  Input:
    KEYS[1] lease         STRING the solution's sender lease (its holder's token)

    ARGV[1] token         string the token the lease was taken with
    ARGV[2] leaseMs       number ms, the lease's new time to live

  Output:
    1  renewed
    0  lost: the lease expired or another sender holds it; left alone
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
