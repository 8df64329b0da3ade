/** Enrollment requests: a solution asks to be connected; an approver decides once. */
import { z } from 'zod';
import type { StorageContext } from './context.js';
import { oncePerDeployment } from './once-per-deployment.js';

export const enrollmentSchema = z.object({
  id: z.string(),
  solutionId: z.string(),
  /** 'cancelled': its solution was deleted before anyone decided. */
  status: z.enum(['pending', 'approved', 'denied', 'cancelled']),
  createdAt: z.coerce.number(),
  /** Who asked: 'enrollment-api' or 'slack:<user>'. */
  requestedBy: z.string(),
  decidedBy: z.string().optional(),
  decidedAt: z.coerce.number().optional(),
  /** Set once the ingestion token has been handed out (it is shown once, never stored). */
  tokenIssued: z.literal('1').optional(),
  /** The solution's name when the request was made (shown if the request is cancelled by a delete). */
  solutionName: z.string().optional(),
  /** Where the approval request was posted, to update it in place. */
  requestChannel: z.string().optional(),
  requestTs: z.string().optional(),
});
export type Enrollment = z.infer<typeof enrollmentSchema>;

export interface Decision {
  applied: boolean;
  /** 'stale': the solution changed since the clicked button was built (only with an expected version). */
  status: 'approved' | 'denied' | 'cancelled' | 'pending' | 'missing' | 'stale';
  decidedBy: string;
}

export class EnrollmentRepository {
  /**
   * Once per deployment: requests still waiting from before the pending set existed are put in it (found
   * through each solution's set of requests), so the cap counts them too.
   */
  readonly ensurePendingIndexed: () => Promise<void>;

  constructor(private readonly ctx: StorageContext) {
    this.ensurePendingIndexed = oncePerDeployment(ctx.redis, ctx.keys.pendingEnrollmentsBuilt, () =>
      this.indexPending(),
    );
  }

  /** Three pipelined round trips per 500 solutions: their requests, the requests' states, the additions. */
  private async indexPending(): Promise<void> {
    const { redis, keys } = this.ctx;
    let cursor = '0';
    do {
      const [next, solutionIds] = await redis.sscan(keys.solutions, cursor, 'COUNT', 500);
      cursor = next;
      const sets = redis.pipeline();
      for (const id of solutionIds) sets.smembers(keys.solutionEnrollments(id));
      const ids = ((await sets.exec()) ?? []).flatMap(([, members]) => (members ?? []) as string[]);
      if (ids.length === 0) continue;
      const states = redis.pipeline();
      for (const id of ids) states.hmget(keys.enrollment(id), 'status', 'createdAt');
      const rows = ((await states.exec()) ?? []).map(([, r]) => (r ?? []) as (string | null)[]);
      const add = redis.pipeline();
      ids.forEach((id, i) => {
        const [status, createdAt] = rows[i] ?? [];
        if (status === 'pending') add.zadd(keys.pendingEnrollments, 'NX', Number(createdAt) || 0, id);
      });
      await add.exec();
    } while (cursor !== '0');
  }

  async create(e: Enrollment): Promise<void> {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(e)) if (v !== undefined) fields[k] = String(v);
    const { redis, keys } = this.ctx;
    const tx = redis
      .multi()
      .hset(keys.enrollment(e.id), fields)
      .sadd(keys.solutionEnrollments(e.solutionId), e.id);
    if (e.status === 'pending') tx.zadd(keys.pendingEnrollments, e.createdAt, e.id);
    await tx.exec();
  }

  /**
   * How many requests wait for a decision (the cap on self-enrollment), read from the pending set: no
   * scan. `create` adds to the set in the same step as the request, and `decide` removes from it once the
   * request is decided (or can never be). That removal is a second step, outside decideEnrollment's
   * script, so a crash in between, or a solution deleted while its request waited, can leave an entry
   * behind: once the count reaches `cap`, the entries (about `cap` of them) are checked and those no
   * longer waiting are dropped, so a stale entry can never keep enrollment closed.
   */
  async pendingCount(cap: number): Promise<number> {
    await this.ensurePendingIndexed();
    const { redis, keys } = this.ctx;
    const count = await redis.zcard(keys.pendingEnrollments);
    if (count < cap) return count;
    const ids = await redis.zrange(keys.pendingEnrollments, '0', '-1');
    const reads = redis.pipeline();
    for (const id of ids) reads.hmget(keys.enrollment(id), 'status', 'solutionId');
    const rows = ((await reads.exec()) ?? []).map(([, r]) => (r ?? []) as (string | null)[]);
    const waiting = ids.flatMap((id, i) => {
      const [status, solutionId] = rows[i] ?? [];
      return status === 'pending' && solutionId ? [{ id, solutionId }] : [];
    });
    const exists = redis.pipeline();
    for (const w of waiting) exists.exists(keys.solution(w.solutionId));
    const found = ((await exists.exec()) ?? []).map(([, n]) => Number(n) === 1);
    const live = new Set(waiting.filter((_, i) => found[i]).map((w) => w.id));
    const stale = ids.filter((id) => !live.has(id));
    if (stale.length > 0) await redis.zrem(keys.pendingEnrollments, ...stale);
    return live.size;
  }

  /** The solution's requests still waiting for a decision, oldest first. */
  async pendingFor(solutionId: string): Promise<Enrollment[]> {
    const { redis, keys } = this.ctx;
    const ids = await redis.smembers(keys.solutionEnrollments(solutionId));
    const found = await Promise.all(ids.map((id) => this.get(id).catch(() => null)));
    return found
      .filter((e): e is Enrollment => e !== null && e.status === 'pending' && e.solutionId === solutionId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async get(id: string): Promise<Enrollment | null> {
    const hash = await this.ctx.redis.hgetall(this.ctx.keys.enrollment(id));
    if (Object.keys(hash).length === 0) return null;
    return enrollmentSchema.parse(hash);
  }

  /** Applies an approval or a denial exactly once; later clicks learn who decided first. */
  async decide(
    id: string,
    solutionId: string,
    decision: 'approved' | 'denied',
    actor: string,
    now: number,
    firstDeadline: number,
    expectedVersion?: number,
  ): Promise<Decision> {
    const result = await this.ctx.scripts.decideEnrollment({
      enrollmentId: id,
      solutionId,
      decision,
      actor,
      at: now,
      firstDeadline,
      expectedVersion,
    });
    // Decided now or before, or never decidable (gone): no longer counted against the pending cap.
    if (result.status !== 'stale') {
      await this.ctx.redis.zrem(this.ctx.keys.pendingEnrollments, id);
    }
    return result;
  }

  /** Cancels a request still pending; true when this call cancelled it. */
  async cancel(id: string, actor: string, now: number): Promise<boolean> {
    const cancelled =
      (await this.ctx.scripts.cancelEnrollment({ enrollmentId: id, actor, at: now })) === 'cancelled';
    // No longer waiting: its place under the pending cap is free (pendingCount also prunes what a crash left).
    if (cancelled) await this.ctx.redis.zrem(this.ctx.keys.pendingEnrollments, id);
    return cancelled;
  }

  /** Marks the token as handed out; true only for the first caller. */
  async claimTokenIssue(id: string): Promise<boolean> {
    return (await this.ctx.redis.hsetnx(this.ctx.keys.enrollment(id), 'tokenIssued', '1')) === 1;
  }

  async setRequestMessage(id: string, channel: string, ts: string): Promise<void> {
    await this.ctx.scripts.hsetIfExists({
      key: this.ctx.keys.enrollment(id),
      fields: { requestChannel: channel, requestTs: ts },
    });
  }
}
