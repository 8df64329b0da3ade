/**
 * A schedule of one-shot work that several workers look at (escalations, maintenance window ends): a sorted
 * set of member -> due instant. A due entry is claimed by compare-and-set on its score (claimDue-1.lua),
 * which moves it to a lease instant; the claimer writes its outbox items (ids derived from the member, and
 * never written twice: `itemExists`) and then removes the entry. A claimer that dies leaves the entry to be
 * claimed again when the lease ends, and the second claimer finds the items already written.
 */
import type { StorageContext } from './context.js';

/** How long a claim holds before another worker may take the entry again. */
export const CLAIM_LEASE_MS = 60_000;

export class ScheduleRepository {
  constructor(
    private readonly ctx: StorageContext,
    private readonly key: string,
  ) {}

  async schedule(member: string, at: number): Promise<void> {
    await this.ctx.redis.zadd(this.key, at, member);
  }

  async cancel(member: string): Promise<void> {
    await this.ctx.redis.zrem(this.key, member);
  }

  /** Entries due by `now`, with the score each was read at (for the claim). */
  async due(now: number, limit = 100): Promise<{ member: string; score: number }[]> {
    const raw = await this.ctx.redis.zrangebyscore(
      this.key,
      '-inf',
      String(now),
      'WITHSCORES',
      'LIMIT',
      0,
      limit,
    );
    const out: { member: string; score: number }[] = [];
    for (let i = 0; i < raw.length; i += 2) out.push({ member: raw[i] as string, score: Number(raw[i + 1]) });
    return out;
  }

  /** True for the one caller that still saw the entry at `score`. */
  async claim(member: string, score: number, now: number): Promise<boolean> {
    const outcome = await this.ctx.scripts.claimDue({
      schedule: this.key,
      member,
      expectedScore: score,
      leaseUntil: now + CLAIM_LEASE_MS,
    });
    return outcome === 'claimed';
  }

  /** Whether a delivery item (its hash) was already written: a re-claimed entry must not write it again. */
  async itemExists(itemKey: string): Promise<boolean> {
    return (await this.ctx.redis.exists(itemKey)) === 1;
  }
}
