--[[
  Gives a solution's sender lease back if it is still ours.

  Input:
    KEYS[1] lease         STRING the solution's sender lease (its holder's token)

    ARGV[1] token         string the token the lease was taken with

  Output:
    1  released
    0  not-held: the lease expired or another sender holds it; left alone
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
