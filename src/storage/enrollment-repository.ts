/** Enrollment requests: a solution asks to be connected; an approver decides once. */
import { z } from 'zod';
import type { StorageContext } from './context.js';

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
  constructor(private readonly ctx: StorageContext) {}

  async create(e: Enrollment): Promise<void> {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(e)) if (v !== undefined) fields[k] = String(v);
    const { redis, keys } = this.ctx;
    await redis
      .multi()
      .hset(keys.enrollment(e.id), fields)
      .sadd(keys.solutionEnrollments(e.solutionId), e.id)
      .exec();
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
    return this.ctx.scripts.decideEnrollment({
      enrollmentId: id,
      solutionId,
      decision,
      actor,
      at: now,
      firstDeadline,
      expectedVersion,
    });
  }

  /** Cancels a request still pending; true when this call cancelled it. */
  async cancel(id: string, actor: string, now: number): Promise<boolean> {
    return (await this.ctx.scripts.cancelEnrollment({ enrollmentId: id, actor, at: now })) === 'cancelled';
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
