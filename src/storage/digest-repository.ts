/**
 * Digests: when many flips wait for one channel, they are posted as one message standing for all of them
 * (docs/contract.md: grouping is the only way to stay timely at Slack's ~1 message/s per channel).
 */
import type { StorageContext } from './context.js';

const DIGEST_TTL_MS = 30 * 86_400_000;

export class DigestRepository {
  constructor(private readonly ctx: StorageContext) {}

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
      .pexpire(dkey, DIGEST_TTL_MS)
      .set(keys.openDigest(channel), digestId, 'PX', windowMs, 'NX');
    if (flipIds.length > 0)
      tx.rpush(keys.digestMembers(digestId), ...flipIds).pexpire(keys.digestMembers(digestId), DIGEST_TTL_MS);
    for (const id of flipIds) tx.hset(keys.flip(id), 'digestId', digestId);
    await tx.exec();
  }

  async digestMembers(digestId: string): Promise<string[]> {
    return this.ctx.redis.lrange(this.ctx.keys.digestMembers(digestId), 0, -1);
  }
}
