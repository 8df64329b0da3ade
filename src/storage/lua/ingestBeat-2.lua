--[[
  The web side's heartbeat. After a gap longer than gapMs (no web process could receive reports) the
  up-since instant restarts at now; it restarts too when a web process has just started.

  Input:
    KEYS[1] heartbeat     STRING ms of the last beat
    KEYS[2] upSince       STRING ms since when reports could be received without a gap

    ARGV[1] now           number ms
    ARGV[2] gapMs         number the longest silence that is not a gap
    ARGV[3] starting      string '1' a web process has just started: restart the up-since instant now

  Output:
    upSince  the up-since instant, ms, as a string
]]
local previous = tonumber(redis.call('GET', KEYS[1]) or '')
local now = tonumber(ARGV[1])
if previous == nil or now - previous > tonumber(ARGV[2]) or ARGV[3] == '1' or redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[1])
end
if previous == nil or now > previous then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[2])
