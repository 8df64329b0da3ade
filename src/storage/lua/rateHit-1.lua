--[[
  Fixed-window request counter; the key expires with its window.

  Input:
    KEYS[1] counter       STRING the hits of one subject in one window

    ARGV[1] windowMs      number the window's length

  Output:
    {count, pttl}  the hits so far in this window, and ms until it ends
]]
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}
