/**
 * The delivery side of the outbox: what is waiting to be posted to Slack, per channel leases that keep
 * posts to one channel serial (and about one per second, as Slack asks), and the record of what was sent.
 *
 * Every message secsol posts or edits is a delivery item (a flip, a digest, an event batch, an approval
 * request, an edit…) stored as a hash with a `delivery` field. It moves pending -> sending -> sent (or held
 * / failed), and `sending` is the durable hint that a previous attempt may have reached Slack: the next
 * attempt looks for the message before posting again.
 *
 * This layer does not know the kinds: callers hand it an item's address (its hash and its outbox), which
 * the kinds registry (outbox/kinds.ts) computes.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { StorageContext } from './context.js';

/** Where one delivery item lives. */
export interface ItemAddress {
  id: string;
  /** Its delivery kind (for the per-kind figures in /metrics). */
  kind: string;
  /** Its hash. */
  key: string;
  /** The sorted set of its kind's items waiting for delivery. */
  outbox: string;
  /** Also in its channel's backlog (flips: the digest counts them). */
  backlog: boolean;
  /** How long the item is kept once sent, when nothing reads it after that (shorter than its TTL). */
  keepSentMs?: number;
}

/** A delivery that failed for good, as recorded (read back from Redis, so validated like any input). */
const deliveryErrorSchema = z.object({
  at: z.number(),
  itemId: z.string(),
  /**
   * What failed, to send it again: an outbox kind (a Slack delivery), or 'export' (a SIEM export message;
   * then `channel` is 'export'). Absent in records written before kinds were recorded.
   */
  kind: z.string().optional(),
  solutionId: z.string().optional(),
  channel: z.string(),
  error: z.string(),
});
export type DeliveryError = z.infer<typeof deliveryErrorSchema>;

export const DELIVERY_ERROR_CAP = 500;

/** How long an alert's claim on a channel outlives the wait it was told (acquireChannel). */
const ALERT_CLAIM_MARGIN_MS = 1000;

export class DeliveryRepository {
  constructor(private readonly ctx: StorageContext) {}

  /** The channel's backlog for backlog items; other kinds have none (their own outbox stands in). */
  private backlogKey(addr: ItemAddress, channel: string): string {
    return addr.backlog ? this.ctx.keys.channelOutbox(channel) : addr.outbox;
  }

  /** Creates delivery items and puts them in their outbox in one step. */
  async createItems(
    items: { addr: ItemAddress; channel: string; fields: Record<string, string> }[],
    at: number,
    ttlMs: number,
  ) {
    const tx = this.ctx.redis.multi();
    for (const { addr, channel, fields } of items) {
      tx.hset(addr.key, { ...fields, id: addr.id, channel, delivery: 'pending' })
        .pexpire(addr.key, ttlMs)
        .zadd(addr.outbox, at, addr.id)
        .zadd(this.backlogKey(addr, channel), at, addr.id);
    }
    await tx.exec();
  }

  async getItem(addr: ItemAddress): Promise<Record<string, string> | null> {
    const hash = await this.ctx.redis.hgetall(addr.key);
    return Object.keys(hash).length === 0 ? null : hash;
  }

  async setFields(addr: ItemAddress, fields: Record<string, string>): Promise<void> {
    await this.ctx.scripts.hsetIfExists({ key: addr.key, fields });
  }

  /** Records that an attempt to post is starting (kept if the process dies during the call). */
  async markSending(addr: ItemAddress, now: number): Promise<void> {
    await this.setFields(addr, { delivery: 'sending', sendingSince: String(now) });
  }

  /** Final states leave the outbox. */
  async finish(
    addr: ItemAddress,
    channel: string,
    state: 'sent' | 'held' | 'failed' | 'digested',
    fields: Record<string, string>,
    now: number,
  ): Promise<void> {
    const key = addr.key;
    const tx = this.ctx.redis.multi();
    tx.zrem(addr.outbox, addr.id).zrem(this.backlogKey(addr, channel), addr.id);
    // Counted per kind and final state, in Redis: any web process's /metrics shows every worker's work.
    tx.hincrby(this.ctx.keys.deliveryStats, `${addr.kind}:${state}`, 1);
    // Only write the fields if the item still exists (never recreate a half item).
    await this.ctx.scripts.hsetIfExists({
      key,
      fields: { ...fields, delivery: state, deliveredAt: String(now) },
    });
    if (state === 'sent' && addr.keepSentMs !== undefined) tx.pexpire(key, addr.keepSentMs);
    await tx.exec();
  }

  /** Takes an item that reached a final state (or is gone) out of the outbox (a crash may have left it). */
  async dropFromOutbox(addr: ItemAddress, channel: string | undefined): Promise<void> {
    const tx = this.ctx.redis.multi().zrem(addr.outbox, addr.id);
    if (channel !== undefined) tx.zrem(this.backlogKey(addr, channel), addr.id);
    await tx.exec();
  }

  /** Outbox entries older than `olderThan`: items whose job may have been lost. */
  async stuck(outbox: string, olderThan: number, limit = 500): Promise<string[]> {
    return this.ctx.redis.zrangebyscore(outbox, '-inf', String(olderThan), 'LIMIT', 0, limit);
  }

  /** How many items wait in these outboxes. */
  async outboxSize(outboxes: string[]): Promise<number> {
    return (await this.outboxSizes(outboxes)).reduce((sum, n) => sum + n, 0);
  }

  /** How many items wait in each of these outboxes, in their order. */
  async outboxSizes(outboxes: string[]): Promise<number[]> {
    const pipeline = this.ctx.redis.pipeline();
    for (const key of outboxes) pipeline.zcard(key);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([, n]) => Number(n ?? 0));
  }

  /** Items that reached a final state, per `<kind>:<state>` (sent, held, failed, digested). */
  async finishedCounts(): Promise<Record<string, number>> {
    const raw = await this.ctx.redis.hgetall(this.ctx.keys.deliveryStats);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async channelBacklog(channel: string): Promise<string[]> {
    return this.ctx.redis.zrange(this.ctx.keys.channelOutbox(channel), '0', '-1');
  }

  /**
   * Takes the channel's lease: one sender per channel at a time, across all workers. Returns the token,
   * or the milliseconds to wait. The lease expires by itself if its holder dies.
   *
   * Alerts go before approval requests in a channel they share (`yields`: the caller is a request). An
   * alert that finds the lease taken marks the channel as wanted by an alert for a little longer than it
   * will wait; a request that finds the mark does not take the lease and waits until the mark is gone.
   * So after the send in progress, the next slot is the alert's, however many requests were queued first
   * (they all race for the lease at the same instants, and the alert would otherwise win one race in N).
   */
  async acquireChannel(
    channel: string,
    leaseMs: number,
    opts: { yields?: boolean } = {},
  ): Promise<{ token: string } | { waitMs: number }> {
    const { redis, keys } = this.ctx;
    if (opts.yields) {
      const alertWaits = await redis.pttl(keys.channelAlertWaiting(channel));
      if (alertWaits > 0) return { waitMs: Math.max(alertWaits, 20) };
    }
    const token = randomUUID();
    const ok = await redis.set(keys.channelPace(channel), token, 'PX', leaseMs, 'NX');
    if (ok === 'OK') return { token };
    const [holder, ttl] = await Promise.all([
      redis.get(keys.channelPace(channel)),
      redis.pttl(keys.channelPace(channel)),
    ]);
    // A pacing gap ends exactly at its TTL; a sender holding the lease usually finishes long before the
    // lease would expire, so look again soon rather than sleeping through the whole lease.
    const waitMs = holder === 'gap' ? Math.max(ttl, 20) : Math.min(Math.max(ttl, 20), 250);
    if (!opts.yields) {
      // Outlives the alert's wait (plus the delayed job's way back to a worker); refreshed while it waits.
      await redis.set(keys.channelAlertWaiting(channel), '1', 'PX', waitMs + ALERT_CLAIM_MARGIN_MS);
    }
    return { waitMs };
  }

  /** Gives the lease back, keeping the channel closed for `gapMs` after a post (Slack's ~1 message/s). */
  async releaseChannel(channel: string, token: string, gapMs: number): Promise<void> {
    await this.ctx.scripts.releaseLease({ channel, token, gapMs });
  }

  /** Puts a failed item back in the outbox; 'not-failed' when it is in any other state. */
  async requeueFailed(addr: ItemAddress, now: number): Promise<'requeued' | 'not-failed' | 'missing'> {
    const key = addr.key;
    const channel = await this.ctx.redis.hget(key, 'channel');
    if (channel === null) return 'missing';
    return this.ctx.scripts.retryFailed({
      itemKey: key,
      outboxKey: addr.outbox,
      backlogKey: this.backlogKey(addr, channel),
      channel,
      now,
    });
  }

  async recordError(err: DeliveryError): Promise<void> {
    const { redis, keys } = this.ctx;
    await redis
      .multi()
      .lpush(keys.deliveryErrors, JSON.stringify(err))
      .ltrim(keys.deliveryErrors, 0, DELIVERY_ERROR_CAP - 1)
      .exec();
  }

  async recentErrors(limit = 20): Promise<DeliveryError[]> {
    const raw = await this.ctx.redis.lrange(this.ctx.keys.deliveryErrors, 0, limit - 1);
    return raw.flatMap((r) => {
      try {
        const parsed = deliveryErrorSchema.safeParse(JSON.parse(r));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }

  /** The newest failure recorded for an item, if it is still in the capped list. */
  async findError(itemId: string): Promise<DeliveryError | null> {
    return (await this.recentErrors(DELIVERY_ERROR_CAP)).find((e) => e.itemId === itemId) ?? null;
  }

  // --- reminders ----------------------------------------------------------------------------------

  /** Schedules (or moves) the reminder of an open incident. */
  async scheduleReminder(incidentFlipId: string, at: number): Promise<void> {
    await this.ctx.redis.zadd(this.ctx.keys.reminders, at, incidentFlipId);
  }

  async cancelReminder(incidentFlipId: string): Promise<void> {
    await this.ctx.redis.zrem(this.ctx.keys.reminders, incidentFlipId);
  }

  /** Reminders due by `now`, with the score each was read at (for the claim). */
  async dueReminders(now: number, limit = 100): Promise<{ flipId: string; score: number }[]> {
    const raw = await this.ctx.redis.zrangebyscore(
      this.ctx.keys.reminders,
      '-inf',
      String(now),
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const out: { flipId: string; score: number }[] = [];
    for (let i = 0; i < raw.length; i += 2) out.push({ flipId: raw[i] as string, score: Number(raw[i + 1]) });
    return out;
  }

  /** Moves a due reminder to `next`; true only for the one caller that saw it at `score`. */
  async claimReminder(flipId: string, score: number, next: number): Promise<boolean> {
    const claim = await this.ctx.scripts.claimReminder({ flipId, expectedScore: score, nextScore: next });
    return claim === 'claimed';
  }

  // --- coalesced edits -----------------------------------------------------------------------------

  /** Takes the message's pending-edit slot for `itemId`; false while another edit of it is waiting. */
  async claimEdit(message: string, itemId: string, ttlMs: number): Promise<boolean> {
    return (await this.ctx.redis.set(this.ctx.keys.pendingEdit(message), itemId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  /**
   * Frees the slot before the edit reads what to show, so a change made after that read adds a new edit.
   * Only the slot's holder frees it (the holder's job runs alone, so the read and the delete cannot race).
   */
  async releaseEdit(message: string, itemId: string): Promise<void> {
    const key = this.ctx.keys.pendingEdit(message);
    if ((await this.ctx.redis.get(key)) === itemId) await this.ctx.redis.del(key);
  }
}
