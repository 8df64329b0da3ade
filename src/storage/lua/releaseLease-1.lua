--[[
  Releases a channel lease if it is still ours, leaving a pacing gap (Slack's ~1 message/s per channel).

  Input:
    KEYS[1] lease         STRING the channel's lease (its holder's token, or 'gap')

    ARGV[1] token         string the token the lease was taken with
    ARGV[2] gapMs         number how long the channel stays closed after the post (0: none)

  Output:
    1  released
    0  not-held: the lease expired or another sender holds it; left alone
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], 'gap', 'PX', ARGV[2]) else redis.call('DEL', KEYS[1]) end
return 1
