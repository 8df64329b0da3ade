/**
 * The export list's compare-and-set steps, as Lua (atomic in Redis). Each acts on the head of one
 * solution's export list only if it is still the element the sender read, so a sender that lost its lease
 * (a stalled job picked up elsewhere) can never pop or fail someone else's message.
 *
 * Kept beside the export code, self-contained: names are prefixed so they never collide with the
 * scripts of storage/scripts.ts.
 */
import type { Connection } from '../storage/redis.js';

const SCRIPTS = {
  /**
   * The receiver took the head. KEYS: list, retry state, stats. ARGV: head element.
   * Returns 1 popped, 0 not the head any more.
   */
  secsolExportAck: {
    keys: 3,
    lua: `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HINCRBY', KEYS[3], 'delivered', 1)
return 1`,
  },

  /**
   * The head failed for good: it leaves the list for the failed set (kept for re-drive) and the delivery
   * errors log. KEYS: list, retry state, stats, failed index, failed entry, delivery errors.
   * ARGV: head element, message id, failed record JSON, failedAt, entry ttl ms, error JSON, errors cap.
   * Returns 1 failed, 0 not the head any more.
   */
  secsolExportFail: {
    keys: 6,
    lua: `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('HINCRBY', KEYS[3], 'failed', 1)
redis.call('SET', KEYS[5], ARGV[3], 'PX', ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[2])
redis.call('LPUSH', KEYS[6], ARGV[6])
redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[7]) - 1)
return 1`,
  },

  /**
   * The head must wait (a retryable failure): its retry state, and when the solution next needs a
   * sender. KEYS: list, retry state, pending. ARGV: head element, message id, attempts, nextAt, lastError,
   * solution id. Returns 1 recorded, 0 not the head any more.
   */
  secsolExportHold: {
    keys: 3,
    lua: `
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], 'id', ARGV[2], 'attempts', ARGV[3], 'nextAt', ARGV[4], 'lastError', ARGV[5])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[6])
return 1`,
  },

  /** Nothing left: the solution leaves the pending set. KEYS: list, pending. ARGV: solution id. */
  secsolExportSettle: {
    keys: 2,
    lua: `
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`,
  },

  /**
   * An operator sends a failed message again: back at the end of its solution's list, once.
   * KEYS: failed entry, failed index, list, pending. ARGV: message id, entry element, now, solution id.
   * Returns 1 requeued, 0 not (or no longer) failed.
   */
  secsolExportRedrive: {
    keys: 4,
    lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], 'NX', ARGV[3], ARGV[4])
return 1`,
  },

  /** Extends a lease if still ours. KEYS: lease. ARGV: token, ms. Returns 1 extended, 0 lost. */
  secsolExportRenew: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`,
  },

  /** Gives a lease back if still ours. KEYS: lease. ARGV: token. */
  secsolExportRelease: {
    keys: 1,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  },
} as const;

export type ExportScriptName = keyof typeof SCRIPTS;

export class ExportScripts {
  constructor(private readonly redis: Connection) {
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: def.keys, lua: def.lua });
    }
  }

  run(name: ExportScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (keys.length !== SCRIPTS[name].keys)
      throw new Error(`script ${name} takes ${SCRIPTS[name].keys} keys`);
    const fn = (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[
      name
    ];
    if (!fn) throw new Error(`script ${name} not defined`);
    return fn.call(this.redis, ...keys, ...args);
  }
}
