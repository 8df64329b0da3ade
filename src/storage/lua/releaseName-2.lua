--[[
  Frees a name whose index entry outlived its holder: the holder was deleted (the delete frees the name
  right after, and a crash in between leaves the entry behind) or renamed away from it. A name still held
  is left alone.

  Input:
    KEYS[1] names         HASH   name key -> the id of the solution holding that name
    KEYS[2] holder        HASH   the record of the solution the entry names

    ARGV[1] nameKey       string the name's key
    ARGV[2] holderId      string the id the caller found in the entry

  Output:
    1  released: the entry named a solution that no longer holds the name; it is gone
    0  held: the entry changed meanwhile, or its solution still holds the name
]]
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('HGET', KEYS[2], 'nameKey') == ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
