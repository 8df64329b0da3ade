/**
 * The export lists in Redis. Each solution has a list of entries waiting for the SIEM, oldest first
 * (appended by the commit scripts, atomically with the flip or event they report). One sender at a time
 * per solution (a lease) works from the head, so messages leave in order; the head's retry state lives
 * beside the list; `exportPending` says when each solution with entries next needs a sender, which lets
 * a sweep re-queue work whose job was lost.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { StorageContext } from '../storage/context.js';
import { DELIVERY_ERROR_CAP, type DeliveryError } from '../storage/delivery-repository.js';
import { ExportScripts } from './export-scripts.js';

/** Failed messages kept for re-drive: at most this many, each for at most this long. */
export const FAILED_CAP = 10_000;
export const FAILED_TTL_MS = 30 * 86_400_000;

const retryStateSchema = z.object({
  id: z.string(),
  attempts: z.coerce.number().int().nonnegative(),
  nextAt: z.coerce.number(),
  lastError: z.string().default(''),
});
export type RetryState = z.infer<typeof retryStateSchema>;

const failedRecordSchema = z.object({
  at: z.number(),
  solutionId: z.string(),
  error: z.string(),
  /** The list element as it was, to put back on re-drive. */
  entry: z.string(),
});

export interface ExportSummary {
  /** Messages waiting in the export lists (including those being retried). */
  waiting: number;
  delivered: number;
  /** Every message failed for good so far (a total, like `delivered`). */
  failed: number;
  /** Failed messages still kept for a re-drive. */
  redrivable: number;
  /** Solutions whose head message is waiting to be tried again, and the latest such error. */
  retrying: number;
  lastError?: string;
  nextAttemptAt?: number;
}

export class ExportRepository {
  private readonly scripts: ExportScripts;

  constructor(private readonly ctx: StorageContext) {
    this.scripts = new ExportScripts(ctx);
  }

  /** The oldest waiting element of a solution's list, raw (it is the compare-and-set token). */
  head(solutionId: string): Promise<string | null> {
    return this.ctx.redis.lindex(this.ctx.keys.exportList(solutionId), 0);
  }

  async retryState(solutionId: string): Promise<RetryState | null> {
    const hash = await this.ctx.redis.hgetall(this.ctx.keys.exportRetry(solutionId));
    const parsed = retryStateSchema.safeParse(hash);
    return parsed.success ? parsed.data : null;
  }

  async ack(solutionId: string, raw: string): Promise<boolean> {
    return (await this.scripts.ack({ solutionId, head: raw })) === 'acked';
  }

  /** Fails the head for good: kept for re-drive and logged with the failed Slack deliveries. */
  async fail(
    solutionId: string,
    raw: string,
    failure: { messageId: string; error: string; at: number },
  ): Promise<boolean> {
    const record = JSON.stringify({ at: failure.at, solutionId, error: failure.error, entry: raw });
    const logged: DeliveryError = {
      at: failure.at,
      itemId: failure.messageId,
      solutionId,
      channel: 'export',
      kind: 'export',
      error: failure.error,
    };
    const outcome = await this.scripts.fail({
      solutionId,
      head: raw,
      messageId: failure.messageId,
      recordJson: record,
      failedAt: failure.at,
      entryTtlMs: FAILED_TTL_MS,
      errorJson: JSON.stringify(logged),
      errorsCap: DELIVERY_ERROR_CAP,
    });
    if (outcome !== 'failed') return false;
    await this.trimFailed(failure.at);
    return true;
  }

  /**
   * Failures past their TTL leave the index; beyond the cap the oldest stop being re-drivable (they stay
   * counted and logged).
   */
  private async trimFailed(now: number): Promise<number> {
    const { redis, keys } = this.ctx;
    await redis.zremrangebyscore(keys.exportFailed, '-inf', now - FAILED_TTL_MS);
    const excess = (await redis.zcard(keys.exportFailed)) - FAILED_CAP;
    if (excess <= 0) return 0;
    const popped = await redis.zpopmin(keys.exportFailed, excess);
    const ids = popped.filter((_, i) => i % 2 === 0);
    if (ids.length > 0) await redis.del(...ids.map((id) => keys.exportFailedEntry(id)));
    return ids.length;
  }

  async hold(solutionId: string, raw: string, state: RetryState): Promise<boolean> {
    const { id: messageId, ...retry } = state;
    return (await this.scripts.hold({ solutionId, head: raw, messageId, ...retry })) === 'held';
  }

  /** True when the list is empty and the solution left the pending set. */
  async settle(solutionId: string): Promise<boolean> {
    return (await this.scripts.settle({ solutionId })) === 'settled';
  }

  /** A sender is on it until `until`: the sweep leaves the solution alone until then. */
  async busyUntil(solutionId: string, until: number): Promise<void> {
    await this.ctx.redis.zadd(this.ctx.keys.exportPending, 'XX', until, solutionId);
  }

  /** Solutions with entries whose sender is due (new work, a retry time reached, or a lost job). */
  due(now: number, limit = 500): Promise<string[]> {
    return this.ctx.redis.zrangebyscore(this.ctx.keys.exportPending, '-inf', String(now), 'LIMIT', 0, limit);
  }

  async isPending(solutionId: string): Promise<boolean> {
    return (await this.ctx.redis.zscore(this.ctx.keys.exportPending, solutionId)) !== null;
  }

  /** One sender per solution: the token, or how long to wait. The lease expires if its holder dies. */
  async acquire(solutionId: string, leaseMs: number): Promise<{ token: string } | { waitMs: number }> {
    const { redis, keys } = this.ctx;
    const token = randomUUID();
    if ((await redis.set(keys.exportLease(solutionId), token, 'PX', leaseMs, 'NX')) === 'OK')
      return { token };
    const ttl = await redis.pttl(keys.exportLease(solutionId));
    return { waitMs: Math.min(Math.max(ttl, 50), 1000) };
  }

  async renew(solutionId: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.scripts.renew({ solutionId, token, leaseMs })) === 'renewed';
  }

  async release(solutionId: string, token: string): Promise<void> {
    await this.scripts.release({ solutionId, token });
  }

  /** Puts a failed message back at the end of its solution's list; its retry period starts again. */
  async redrive(
    messageId: string,
    now: number,
  ): Promise<{ outcome: 'requeued'; solutionId: string } | { outcome: 'missing' }> {
    const { redis, keys } = this.ctx;
    const text = await redis.get(keys.exportFailedEntry(messageId));
    const record = text === null ? null : failedRecordSchema.safeParse(safeJson(text));
    if (!record?.success) return { outcome: 'missing' };
    const { solutionId, entry } = record.data;
    const element = JSON.stringify({ ...(safeJson(entry) as object), queuedAt: String(now) });
    const outcome = await this.scripts.redrive({ messageId, solutionId, element, now });
    if (outcome === 'not-failed') return { outcome: 'missing' };
    return { outcome: 'requeued', solutionId };
  }

  /** Totals for /metrics and App Home. Reads every pending solution's list length (pipelined). */
  async summary(): Promise<ExportSummary> {
    const { redis, keys } = this.ctx;
    const [stats, pending, redrivable] = await Promise.all([
      redis.hmget(keys.exportStats, 'delivered', 'failed'),
      redis.zrange(keys.exportPending, '0', '-1'),
      redis.zcard(keys.exportFailed),
    ]);
    let waiting = 0;
    let retrying = 0;
    let latest: RetryState | undefined;
    for (let i = 0; i < pending.length; i += 1000) {
      const pipeline = redis.pipeline();
      for (const id of pending.slice(i, i + 1000))
        pipeline.llen(keys.exportList(id)).hgetall(keys.exportRetry(id));
      const replies = (await pipeline.exec()) ?? [];
      for (let j = 0; j < replies.length; j += 2) {
        waiting += Number(replies[j]?.[1] ?? 0);
        const state = retryStateSchema.safeParse(replies[j + 1]?.[1]);
        if (!state.success) continue;
        retrying += 1;
        if (!latest || state.data.nextAt > latest.nextAt) latest = state.data;
      }
    }
    return {
      waiting,
      delivered: Number(stats[0] ?? 0),
      failed: Number(stats[1] ?? 0),
      redrivable,
      retrying,
      lastError: latest?.lastError,
      nextAttemptAt: latest?.nextAt,
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
