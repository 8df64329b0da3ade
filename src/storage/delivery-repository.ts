/**
 * The delivery side of the outbox: what is waiting to be posted to Slack, per channel leases that keep
 * posts to one channel serial (and about one per second, as Slack asks), and the record of what was sent.
 *
 * Every message secsol posts is a delivery item (a flip, a digest, an event batch, an approval request)
 * stored as a hash with a `delivery` field. It moves pending -> sending -> sent (or held / failed), and
 * `sending` is the durable hint that a previous attempt may have reached Slack: the next attempt looks for
 * the message before posting again.
 */
import { randomUUID } from 'node:crypto';
import type { StorageContext } from './context.js';

export interface DeliveryError {
  at: number;
  itemId: string;
  solutionId?: string;
  channel: string;
  /** Where the message was going: Slack when absent, or the SIEM export (then `channel` is 'export'). */
  kind?: 'export';
  error: string;
}

export const DELIVERY_ERROR_CAP = 500;

export class DeliveryRepository {
  constructor(private readonly ctx: StorageContext) {}

  /** The Redis key of a delivery item, from its id's prefix. */
  itemKey(itemId: string): string {
    const { keys } = this.ctx;
    if (itemId.startsWith('flip-')) return keys.flip(itemId);
    if (itemId.startsWith('dig-')) return keys.digest(itemId);
    if (itemId.startsWith('evb-')) return keys.eventBatch(itemId);
    if (itemId.startsWith('enr-')) return keys.enrollment(itemId);
    if (itemId.startsWith('ops-')) return keys.opsNotice(itemId);
    if (itemId.startsWith('rem-')) return keys.reminder(itemId);
    throw new Error(`unknown delivery item id ${itemId}`);
  }

  /** Creates a delivery item and puts it in the outbox in one step. */
  async createItem(
    itemId: string,
    channel: string,
    fields: Record<string, string>,
    at: number,
    ttlMs: number,
  ) {
    const { redis, keys } = this.ctx;
    const key = this.itemKey(itemId);
    await redis
      .multi()
      .hset(key, { ...fields, id: itemId, channel, delivery: 'pending' })
      .pexpire(key, ttlMs)
      .zadd(keys.outbox, at, itemId)
      .zadd(keys.channelOutbox(channel), at, itemId)
      .exec();
  }

  async getItem(itemId: string): Promise<Record<string, string> | null> {
    const hash = await this.ctx.redis.hgetall(this.itemKey(itemId));
    return Object.keys(hash).length === 0 ? null : hash;
  }

  async setFields(itemId: string, fields: Record<string, string>): Promise<void> {
    await this.ctx.scripts.hsetIfExists({ key: this.itemKey(itemId), fields });
  }

  /** Records that an attempt to post is starting (kept if the process dies during the call). */
  async markSending(itemId: string, now: number): Promise<void> {
    await this.setFields(itemId, { delivery: 'sending', sendingSince: String(now) });
  }

  /** Final states leave the outbox. */
  async finish(
    itemId: string,
    channel: string,
    state: 'sent' | 'held' | 'failed' | 'digested',
    fields: Record<string, string>,
    now: number,
  ): Promise<void> {
    const { redis, keys } = this.ctx;
    const key = this.itemKey(itemId);
    const tx = redis.multi();
    tx.zrem(keys.outbox, itemId).zrem(keys.channelOutbox(channel), itemId);
    // Only write the fields if the item still exists (never recreate a half item).
    await this.ctx.scripts.hsetIfExists({
      key,
      fields: { ...fields, delivery: state, deliveredAt: String(now) },
    });
    await tx.exec();
  }

  /** Takes an item that already reached a final state out of the outbox (a crash may have left it there). */
  async dropFromOutbox(itemId: string, channel: string): Promise<void> {
    const { redis, keys } = this.ctx;
    await redis.multi().zrem(keys.outbox, itemId).zrem(keys.channelOutbox(channel), itemId).exec();
  }

  /** Outbox entries older than `olderThan`: items whose job may have been lost. */
  async stuck(olderThan: number, limit = 500): Promise<string[]> {
    return this.ctx.redis.zrangebyscore(this.ctx.keys.outbox, '-inf', String(olderThan), 'LIMIT', 0, limit);
  }

  async outboxSize(): Promise<number> {
    return this.ctx.redis.zcard(this.ctx.keys.outbox);
  }

  async channelBacklog(channel: string): Promise<string[]> {
    return this.ctx.redis.zrange(this.ctx.keys.channelOutbox(channel), '0', '-1');
  }

  /**
   * Takes the channel's lease: one sender per channel at a time, across all workers. Returns the token,
   * or the milliseconds to wait. The lease expires by itself if its holder dies.
   */
  async acquireChannel(channel: string, leaseMs: number): Promise<{ token: string } | { waitMs: number }> {
    const { redis, keys } = this.ctx;
    const token = randomUUID();
    const ok = await redis.set(keys.channelPace(channel), token, 'PX', leaseMs, 'NX');
    if (ok === 'OK') return { token };
    const [holder, ttl] = await Promise.all([
      redis.get(keys.channelPace(channel)),
      redis.pttl(keys.channelPace(channel)),
    ]);
    // A pacing gap ends exactly at its TTL; a sender holding the lease usually finishes long before the
    // lease would expire, so look again soon rather than sleeping through the whole lease.
    return { waitMs: holder === 'gap' ? Math.max(ttl, 20) : Math.min(Math.max(ttl, 20), 250) };
  }

  /** Gives the lease back, keeping the channel closed for `gapMs` after a post (Slack's ~1 message/s). */
  async releaseChannel(channel: string, token: string, gapMs: number): Promise<void> {
    await this.ctx.scripts.releaseLease({ channel, token, gapMs });
  }

  /** Puts a failed item back in the outbox; 'not-failed' when it is in any other state. */
  async requeueFailed(itemId: string, now: number): Promise<'requeued' | 'not-failed' | 'missing'> {
    let key: string;
    try {
      key = this.itemKey(itemId);
    } catch {
      return 'missing';
    }
    const channel = await this.ctx.redis.hget(key, 'channel');
    if (channel === null) return 'missing';
    return this.ctx.scripts.retryFailed({ itemKey: key, channel, now });
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
        return [JSON.parse(r) as DeliveryError];
      } catch {
        return [];
      }
    });
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

  // --- digests -------------------------------------------------------------------------------------

  /** The digest still open for a channel (absorbing new flips), if any. */
  async openDigest(channel: string): Promise<string | null> {
    return this.ctx.redis.get(this.ctx.keys.openDigest(channel));
  }

  /**
   * Moves flips into a digest (creating it, and opening it for `windowMs`, when `digestId` is new).
   * Called only by the holder of the channel lease, so no two senders join the same channel at once.
   */
  async joinDigest(digestId: string, channel: string, flipIds: string[], now: number, windowMs: number) {
    const { redis, keys } = this.ctx;
    const dkey = keys.digest(digestId);
    const tx = redis.multi();
    tx.hsetnx(dkey, 'id', digestId)
      .hsetnx(dkey, 'channel', channel)
      .hsetnx(dkey, 'createdAt', String(now))
      .hsetnx(dkey, 'delivery', 'pending')
      .hincrby(dkey, 'seq', 1)
      .pexpire(dkey, 30 * 86_400_000)
      .set(keys.openDigest(channel), digestId, 'PX', windowMs, 'NX');
    if (flipIds.length > 0)
      tx.rpush(keys.digestMembers(digestId), ...flipIds).pexpire(
        keys.digestMembers(digestId),
        30 * 86_400_000,
      );
    for (const id of flipIds) tx.hset(keys.flip(id), 'digestId', digestId);
    await tx.exec();
  }

  async digestMembers(digestId: string): Promise<string[]> {
    return this.ctx.redis.lrange(this.ctx.keys.digestMembers(digestId), 0, -1);
  }
}
