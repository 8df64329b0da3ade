/**
 * Flips: one durable record per change of health state, written by the evaluator's compare-and-set.
 * A flip that deserves a message enters the outbox in the same atomic step, so an alert can be late
 * (a crash before its job was queued) but never lost: the evaluator re-queues what the outbox still holds.
 */
import { z } from 'zod';
import type { FlipKind } from '../domain/health.js';
import { HEALTH_STATES, type HealthState } from '../domain/model.js';
import type { StorageContext } from './context.js';

export const FLIP_HISTORY_CAP = 100;
export const FLIP_TTL_MS = 90 * 86_400_000;

export const DELIVERY_STATES = ['quiet', 'pending', 'sending', 'sent', 'digested', 'held', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const flipRecordSchema = z.object({
  id: z.string(),
  solutionId: z.string(),
  from: z.enum(HEALTH_STATES),
  to: z.enum(HEALTH_STATES),
  at: z.coerce.number(),
  reason: z.string(),
  kind: z.enum(['incident', 'escalation', 'recovery', 'quiet']),
  channel: z.string(),
  delivery: z.enum(DELIVERY_STATES),
  /** Where the message for this flip is (its own, or its thread reply). */
  ts: z.string().optional(),
  /** For an incident: the message that is the incident. For a recovery: the incident it resolved. */
  incidentTs: z.string().optional(),
  digestId: z.string().optional(),
  error: z.string().optional(),
  sendingSince: z.coerce.number().optional(),
  deliveredAt: z.coerce.number().optional(),
});
export type FlipRecord = z.infer<typeof flipRecordSchema>;

export interface CommitInput {
  solutionId: string;
  expectedRev: number;
  expectedState: HealthState;
  expectedSeq: number;
  newState: HealthState;
  at: number;
  reason: string;
  deadline: number | null;
  kind: FlipKind;
  channel: string;
  /** When the commit happens (the outbox orders and ages items by it). */
  now: number;
}

export type CommitResult = { outcome: 'gone' | 'stale' | 'same' } | { outcome: 'flip'; flipId: string };

export function flipIdFor(solutionId: string, seq: number): string {
  // No ':' in ids: BullMQ job ids must not contain it.
  return `flip-${solutionId}-${seq}`;
}

export class FlipRepository {
  constructor(private readonly ctx: StorageContext) {}

  async commit(input: CommitInput): Promise<CommitResult> {
    const { solutionId, ...rest } = input;
    const flipId = flipIdFor(solutionId, input.expectedSeq + 1);
    const outcome = await this.ctx.scripts.commitEvaluation({
      ...rest,
      id: solutionId,
      flipId,
      deliverable: input.kind !== 'quiet',
      flipCap: FLIP_HISTORY_CAP,
      flipTtlMs: FLIP_TTL_MS,
      exportEnabled: this.ctx.exportEnabled,
    });
    return outcome === 'flip' ? { outcome, flipId } : { outcome };
  }

  async get(flipId: string): Promise<FlipRecord | null> {
    const hash = await this.ctx.redis.hgetall(this.ctx.keys.flip(flipId));
    return Object.keys(hash).length === 0 ? null : flipRecordSchema.parse(hash);
  }

  /**
   * A flip whose alert was held (maintenance) becomes an incident when its release is posted later: the
   * released message is its message, so acknowledge, reminders and the recovery find it.
   */
  async markIncidentMessage(flipId: string, channel: string, ts: string): Promise<void> {
    await this.ctx.scripts.hsetIfExists({
      key: this.ctx.keys.flip(flipId),
      fields: { channel, ts, incidentTs: ts },
    });
  }

  async recent(solutionId: string, limit = 10): Promise<FlipRecord[]> {
    const { redis, keys } = this.ctx;
    const ids = await redis.lrange(keys.solutionFlips(solutionId), 0, limit - 1);
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.flip(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, hash]) => {
      if (err || !hash || Object.keys(hash).length === 0) return [];
      const parsed = flipRecordSchema.safeParse(hash);
      return parsed.success ? [parsed.data] : [];
    });
  }
}
