--[[
  The stored events with sequence numbers in [low, high], read in one step with the sequence number of the
  newest (the list is newest first: the event numbered seq sits at position eventSeq - seq while kept).
  An event batch renders from these instead of keeping copies of the events.

  Input:
    KEYS[1] solution      HASH   the solution's record (its eventSeq)
    KEYS[2] events        LIST   the solution's events, JSON, newest first

    ARGV[1] low           number the lowest sequence number wanted (>= 1)
    ARGV[2] high          number the highest sequence number wanted (>= low)

  Output:
    {eventSeq, json, ...}  the newest sequence number, then the entries from seq min(high, eventSeq) down to
                           low, newest first; fewer (or none) where older ones are no longer stored
]]
local head = tonumber(redis.call('HGET', KEYS[1], 'eventSeq')) or 0
local high = math.min(tonumber(ARGV[2]), head)
local reply = {head}
if high < tonumber(ARGV[1]) then return reply end
local entries = redis.call('LRANGE', KEYS[2], head - high, head - tonumber(ARGV[1]))
for _, e in ipairs(entries) do reply[#reply + 1] = e end
return reply
