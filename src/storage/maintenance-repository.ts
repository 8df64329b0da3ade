/**
 * Maintenance windows as stored (docs/contract.md §10.1): one hash per window, a sorted set of the windows
 * by when they stop applying (listing and the hold check read only those still relevant), the schedule
 * of occurrence ends (releases, claimed like escalations: schedule-repository.ts), and per occurrence the
 * set of solutions whose alerts it held.
 */

import { z } from 'zod';
import type { MaintenanceWindow } from '../domain/maintenance.js';
import type { StorageContext } from './context.js';
import { optNum, optText } from './hash-fields.js';

/** Windows that ended longer ago than this are forgotten (availability looks back 30 days). */
export const MAINTENANCE_KEEP_MS = 31 * 86_400_000;

const windowHash = z.object({
  id: z.string().min(1),
  solutions: z.string().transform((v, ctx) => {
    if (v === 'all') return 'all' as const;
    const parsed = z.array(z.string()).safeParse(JSON.parse(v));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: 'solutions is not "all" or a JSON list' });
    return z.NEVER;
  }),
  start: z.coerce.number(),
  end: optNum,
  cron: optText,
  durationMs: optNum,
  timezone: z.string().default('UTC'),
  reason: z.string().default(''),
  createdBy: z.string(),
  createdAt: z.coerce.number(),
  endedAt: optNum,
});

/** An occurrence's name in the schedule and the held sets: `<window id>|<occurrence start>`. */
export const occurrenceMember = (windowId: string, start: number) => `${windowId}|${start}`;
export function parseOccurrenceMember(member: string): { windowId: string; start: number } | null {
  const at = member.lastIndexOf('|');
  const start = Number(member.slice(at + 1));
  return at > 0 && Number.isFinite(start) ? { windowId: member.slice(0, at), start } : null;
}

export class MaintenanceRepository {
  constructor(private readonly ctx: StorageContext) {}

  /** Writes a window; `retireAt` is when it stops applying (+Infinity while a recurring one recurs). */
  async save(w: MaintenanceWindow, retireAt: number): Promise<void> {
    const { redis, keys } = this.ctx;
    const fields: Record<string, string> = {
      id: w.id,
      solutions: w.solutions === 'all' ? 'all' : JSON.stringify(w.solutions),
      start: String(w.start),
      end: w.end === undefined ? '' : String(w.end),
      cron: w.cron ?? '',
      durationMs: w.durationMs === undefined ? '' : String(w.durationMs),
      timezone: w.timezone,
      reason: w.reason,
      createdBy: w.createdBy,
      createdAt: String(w.createdAt),
      endedAt: w.endedAt === undefined ? '' : String(w.endedAt),
    };
    const score = Number.isFinite(retireAt) ? String(retireAt) : '+inf';
    await redis
      .multi()
      .hset(keys.maintenance(w.id), fields)
      .zadd(keys.maintenanceWindows, score, w.id)
      .exec();
  }

  async get(id: string): Promise<MaintenanceWindow | null> {
    const hash = await this.ctx.redis.hgetall(this.ctx.keys.maintenance(id));
    if (Object.keys(hash).length === 0) return null;
    const parsed = windowHash.safeParse(hash);
    return parsed.success ? parsed.data : null;
  }

  /** Windows still applying after `since` (and those that stopped after it), oldest first. */
  async since(since: number): Promise<MaintenanceWindow[]> {
    const { redis, keys } = this.ctx;
    const ids = await redis.zrangebyscore(keys.maintenanceWindows, String(since), '+inf');
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.maintenance(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, hash]) => {
      if (err || !hash) return [];
      const parsed = windowHash.safeParse(hash);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Forgets windows that stopped applying before `before`. */
  async prune(before: number): Promise<void> {
    const { redis, keys } = this.ctx;
    const ids = await redis.zrangebyscore(keys.maintenanceWindows, '-inf', String(before), 'LIMIT', 0, 100);
    if (ids.length === 0) return;
    const tx = redis.multi().zrem(keys.maintenanceWindows, ...ids);
    for (const id of ids) tx.del(keys.maintenance(id));
    await tx.exec();
  }

  /** Records that an occurrence held a solution's alert (its release then looks at it). */
  async markHeld(member: string, solutionId: string, ttlMs: number): Promise<void> {
    const key = this.ctx.keys.maintenanceHeld(member);
    await this.ctx.redis.multi().sadd(key, solutionId).pexpire(key, ttlMs).exec();
  }

  async held(member: string): Promise<string[]> {
    return this.ctx.redis.smembers(this.ctx.keys.maintenanceHeld(member));
  }
}
