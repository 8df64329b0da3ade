/**
 * The Lua scripts: every multi-key write whose correctness depends on what it reads (compare-and-set).
 * Redis runs each script atomically, so two evaluators, two approvers or a report racing an evaluation
 * cannot interleave inside one.
 */
import type { Redis } from 'ioredis';

const SCRIPTS = {
  /** KEYS: solution, solutions set, deadlines. ARGV: id, now, deadline|'' , then field, value pairs. */
  createSolution: {
    keys: 3,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('HSET', KEYS[1], 'rev', 1, 'state', 'not_reported', 'stateSince', ARGV[2], 'flipSeq', 0,
  'unhealthyStreak', 0)
redis.call('SADD', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return 1`,
  },

  /**
   * A health report. Liveness uses the server's receive time; the status follows the newest observedAt,
   * so a late, older report is kept in history without overriding a newer one.
   * KEYS: solution, history, deadlines. ARGV: id, status, observedAt, receivedAt, message, reportJson, cap.
   * Returns -1 unknown, -2 not connected, 1 applied, 0 kept as history only.
   */
  ingestHealth: {
    keys: 3,
    lua: `
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
if lifecycle ~= 'connected' then return -2 end
redis.call('LPUSH', KEYS[2], ARGV[6])
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[7]) - 1)
local received = tonumber(ARGV[4])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastHealthAt') or '')
if last == nil or received > last then redis.call('HSET', KEYS[1], 'lastHealthAt', ARGV[4]) end
local observed = tonumber(ARGV[3])
local lastObserved = tonumber(redis.call('HGET', KEYS[1], 'lastObservedAt') or '')
local applied = 0
if lastObserved == nil or observed >= lastObserved then
  applied = 1
  redis.call('HSET', KEYS[1], 'lastObservedAt', ARGV[3], 'lastHealthStatus', ARGV[2], 'lastHealthMessage', ARGV[5])
  if ARGV[2] == 'unhealthy' then
    redis.call('HINCRBY', KEYS[1], 'unhealthyStreak', 1)
  else
    redis.call('HSET', KEYS[1], 'unhealthyStreak', 0)
  end
end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return applied`,
  },

  /**
   * Security events, deduplicated by id. KEYS: solution, events list, event-id zset, deadlines,
   * export list, export pending. ARGV: id, receivedAt, listCap, idCap, export '1'|'0', then eventId,
   * eventJson pairs. Returns the ids newly accepted, or -1 unknown / -2 not connected.
   */
  ingestEvents: {
    keys: 6,
    lua: `
local lifecycle = redis.call('HGET', KEYS[1], 'lifecycle')
if not lifecycle then return -1 end
if lifecycle ~= 'connected' then return -2 end
-- Continuous export (export on: ARGV[5] == '1'): each accepted event is copied into its solution's
-- export list (KEYS[5]) in this same atomic step (the events list is capped; the copy is not), and the
-- solution is marked as having entries waiting (KEYS[6], NX keeps a retry time already set). The message
-- id is stable: derived from the event id and the solution's incarnation (createdAt).
local exportSolution = nil
if ARGV[5] == '1' then
  exportSolution = redis.call('HMGET', KEYS[1], 'name', 'vendor', 'family', 'source', 'createdAt')
end
local function exportEvent(eventId, eventJson)
  local s = exportSolution
  redis.call('RPUSH', KEYS[5], cjson.encode({ type = 'event',
    id = 'msg_' .. string.sub(redis.sha1hex('event\\n' .. ARGV[1] .. '\\n' .. (s[5] or '') .. '\\n' .. eventId), 1, 32),
    solutionId = ARGV[1], name = s[1], vendor = s[2], family = s[3], source = s[4], queuedAt = ARGV[2],
    event = eventJson }))
  redis.call('ZADD', KEYS[6], 'NX', ARGV[2], ARGV[1])
end
local accepted = {}
for i = 6, #ARGV, 2 do
  if redis.call('ZADD', KEYS[3], 'NX', ARGV[2], ARGV[i]) == 1 then
    redis.call('LPUSH', KEYS[2], ARGV[i + 1])
    accepted[#accepted + 1] = ARGV[i]
    if exportSolution then exportEvent(ARGV[i], ARGV[i + 1]) end
  end
end
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[3]) - 1)
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[4]) + 1))
if #accepted > 0 then
  redis.call('HSET', KEYS[1], 'lastEventAt', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
end
return accepted`,
  },

  /**
   * The evaluator's commit: compare-and-set on the facts revision, the state and the flip sequence.
   * KEYS: solution, flip, solution flips, deadlines, outbox, channel outbox, export list, export pending.
   * ARGV: id, expectedRev, expectedState, expectedSeq, newState, at, reason, deadline|'', flipId,
   *       deliverable '1'|'0', channel, kind, flipCap, flipTtlMs, now (the outbox score: when it was written),
   *       export '1'|'0'.
   * Returns 'gone', 'stale', 'same' or 'flip'.
   */
  commitEvaluation: {
    keys: 8,
    lua: `
local h = redis.call('HMGET', KEYS[1], 'lifecycle', 'rev', 'state', 'flipSeq')
local id = ARGV[1]
if h[1] ~= 'connected' then redis.call('ZREM', KEYS[4], id) return 'gone' end
if h[2] ~= ARGV[2] then return 'stale' end
local state = h[3] or 'not_reported'
local function setDeadline()
  if ARGV[8] == '' then redis.call('ZREM', KEYS[4], id) else redis.call('ZADD', KEYS[4], ARGV[8], id) end
end
if state == ARGV[5] then
  redis.call('HSET', KEYS[1], 'stateReason', ARGV[7])
  setDeadline()
  return 'same'
end
if state ~= ARGV[3] or (h[4] or '0') ~= ARGV[4] then return 'stale' end
redis.call('HSET', KEYS[1], 'state', ARGV[5], 'stateSince', ARGV[6], 'stateReason', ARGV[7],
  'flipSeq', tonumber(ARGV[4]) + 1)
local delivery = 'quiet'
if ARGV[10] == '1' then delivery = 'pending' end
redis.call('HSET', KEYS[2], 'id', ARGV[9], 'solutionId', id, 'from', state, 'to', ARGV[5], 'at', ARGV[6],
  'reason', ARGV[7], 'kind', ARGV[12], 'channel', ARGV[11], 'delivery', delivery)
redis.call('PEXPIRE', KEYS[2], ARGV[14])
redis.call('LPUSH', KEYS[3], ARGV[9])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[13]) - 1)
if ARGV[10] == '1' then
  redis.call('ZADD', KEYS[5], ARGV[15], ARGV[9])
  redis.call('ZADD', KEYS[6], ARGV[15], ARGV[9])
end
-- Continuous export (export on: ARGV[16] == '1'): every flip, alerting or quiet, joins its solution's
-- export list (KEYS[7]) in this same atomic step, and the solution is marked as having entries waiting
-- (KEYS[8], NX keeps a retry time already set). The message id is stable: derived from the flip id and
-- the solution's incarnation (createdAt), so a re-created solution id never reuses one.
if ARGV[16] == '1' then
  local s = redis.call('HMGET', KEYS[1], 'name', 'vendor', 'family', 'source', 'createdAt')
  redis.call('RPUSH', KEYS[7], cjson.encode({ type = 'flip',
    id = 'msg_' .. string.sub(redis.sha1hex('flip\\n' .. id .. '\\n' .. (s[5] or '') .. '\\n' .. ARGV[9]), 1, 32),
    solutionId = id, name = s[1], vendor = s[2], family = s[3], source = s[4], queuedAt = ARGV[15],
    flipId = ARGV[9], at = ARGV[6], from = state, to = ARGV[5], reason = ARGV[7] }))
  redis.call('ZADD', KEYS[8], 'NX', ARGV[15], id)
end
setDeadline()
return 'flip'`,
  },

  /**
   * An approver's decision on an enrollment, applied once. KEYS: enrollment, solution, deadlines.
   * ARGV: decision ('approved'|'denied'), actor, at, deadline, expectedVersion|'' (optional: refuse with
   * 'stale' when the solution changed since the button was built). Returns {applied 0|1, status, decidedBy}.
   */
  decideEnrollment: {
    keys: 3,
    lua: `
local e = redis.call('HMGET', KEYS[1], 'status', 'decidedBy', 'solutionId')
if not e[1] then return {0, 'missing', ''} end
if e[1] ~= 'pending' then return {0, e[1], e[2] or ''} end
if redis.call('EXISTS', KEYS[2]) == 0 then return {0, 'missing', ''} end
if ARGV[5] and ARGV[5] ~= '' and redis.call('HGET', KEYS[2], 'version') ~= ARGV[5] then
  return {0, 'stale', ''}
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'decidedBy', ARGV[2], 'decidedAt', ARGV[3])
if ARGV[1] == 'approved' then
  redis.call('HSET', KEYS[2], 'lifecycle', 'connected', 'connectedAt', ARGV[3], 'state', 'not_reported',
    'stateSince', ARGV[3])
  redis.call('ZADD', KEYS[3], ARGV[4], e[3])
else
  redis.call('HSET', KEYS[2], 'lifecycle', 'dismissed')
end
redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HINCRBY', KEYS[2], 'rev', 1)
return {1, ARGV[1], ARGV[2]}`,
  },

  /**
   * Sets a solution's token hash, revoking the previous token. KEYS: solution, new token index.
   * ARGV: id, newHash, tokenKeyPrefix, onlyIfNone '1'|'0'. Returns 1 set, 0 refused (a token exists).
   * The old index key is derived from the stored hash (same hash-tagged slot).
   */
  setToken: {
    keys: 2,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local old = redis.call('HGET', KEYS[1], 'tokenHash')
if old and old ~= '' then
  if ARGV[4] == '1' then return 0 end
  redis.call('DEL', ARGV[3] .. old)
end
redis.call('HSET', KEYS[1], 'tokenHash', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
return 1`,
  },

  /** HSET only when the hash exists (never creates a half-written record). KEYS: hash. ARGV: pairs. */
  hsetIfExists: {
    keys: 1,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`,
  },

  /**
   * A configuration change, applied only at the expected version. KEYS: solution, deadlines.
   * ARGV: id, expectedVersion|'', now, then field, value pairs. Returns 1 ok, 0 stale, -1 missing.
   */
  updateConfig: {
    keys: 2,
    lua: `
local h = redis.call('HMGET', KEYS[1], 'version', 'lifecycle')
if not h[1] then return -1 end
if ARGV[2] ~= '' and h[1] ~= ARGV[2] then return 0 end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[1], 'rev', 1)
if h[2] == 'connected' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1`,
  },

  /** Releases a channel lease if still ours, leaving a pacing gap. KEYS: lease. ARGV: token, gapMs. */
  releaseLease: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], 'gap', 'PX', ARGV[2]) else redis.call('DEL', KEYS[1]) end
return 1`,
  },

  /**
   * The web side's heartbeat. KEYS: heartbeat, up-since. ARGV: now, gapMs. After a gap longer than gapMs
   * (no web process could receive reports) the up-since instant restarts at now. Returns up-since.
   */
  ingestBeat: {
    keys: 2,
    lua: `
local previous = tonumber(redis.call('GET', KEYS[1]) or '')
local now = tonumber(ARGV[1])
if previous == nil or now - previous > tonumber(ARGV[2]) or redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[2], ARGV[1])
end
if previous == nil or now > previous then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[2])`,
  },

  /**
   * Claims a due reminder: only the evaluator that still sees the score it read moves it on.
   * KEYS: reminders. ARGV: member, expectedScore, nextScore. Returns 1 when claimed.
   */
  claimReminder: {
    keys: 1,
    lua: `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`,
  },

  /**
   * Puts a failed delivery back in the outbox (an operator's re-drive). KEYS: item, outbox, channel outbox.
   * ARGV: channel, now. Returns 1 requeued, 0 not failed, -1 missing.
   */
  retryFailed: {
    keys: 3,
    lua: `
local h = redis.call('HMGET', KEYS[1], 'delivery', 'channel')
if not h[1] then return -1 end
if h[1] ~= 'failed' or h[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'delivery', 'pending')
redis.call('HDEL', KEYS[1], 'error', 'sendingSince', 'deliveredAt')
redis.call('ZADD', KEYS[2], ARGV[2], redis.call('HGET', KEYS[1], 'id') or '')
redis.call('ZADD', KEYS[3], ARGV[2], redis.call('HGET', KEYS[1], 'id') or '')
return 1`,
  },

  /** Fixed-window counter. KEYS: counter. ARGV: windowMs. Returns {count, pttl}. */
  rateHit: {
    keys: 1,
    lua: `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`,
  },
} as const;

export type ScriptName = keyof typeof SCRIPTS;

export class Scripts {
  constructor(private readonly redis: Redis) {
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: def.keys, lua: def.lua });
    }
  }

  run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (keys.length !== SCRIPTS[name].keys)
      throw new Error(`script ${name} takes ${SCRIPTS[name].keys} keys`);
    const fn = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[
      name
    ];
    if (!fn) throw new Error(`script ${name} not defined`);
    return fn.call(this.redis, ...keys, ...args);
  }
}
