/**
 * The evaluation tick. Work is driven by deadlines: a sorted set holds, per connected solution, the
 * instant its state may next change (or "now" when a report just arrived), so each tick touches only
 * the solutions that are due, whatever the number tracked.
 *
 * Ticks are idempotent: two workers ticking at once race on a compare-and-set and only one wins a flip.
 */
import { evaluate, flipKind, type HealthPolicy, policyFor, withReportingSince } from '../domain/health.js';
import type { Logger } from '../logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { IncidentService } from '../services/incident-service.js';
import type { StorageContext } from '../storage/context.js';
import type { FlipRepository } from '../storage/flip-repository.js';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { SolutionRepository } from '../storage/solution-repository.js';

export const TICK_BATCH = 500;
/** An outbox item with no progress for this long gets its job queued again. */
export const OUTBOX_REQUEUE_AFTER_MS = 15_000;
/** A solution whose evaluation throws is looked at again after this, instead of crash-looping the tick. */
export const POSTPONE_ON_ERROR_MS = 60_000;

export interface EvaluatorDeps {
  ctx: StorageContext;
  solutions: SolutionRepository;
  flips: FlipRepository;
  outbox: Outbox;
  /** Reminds open incidents nobody acknowledged; no reminders when absent. */
  incidents?: Pick<IncidentService, 'remindDue'>;
  /** Other claimed, scheduled work run each tick: escalations, maintenance window ends (routing). */
  scheduled?: ((now: number) => Promise<unknown>)[];
  defaults: HealthPolicy;
  defaultChannel: string;
  heartbeatStaleMs: number;
  logger: Logger;
  /** Called when the previous tick is older than the heartbeat limit (evaluation had stopped). */
  onLate?: (gapMs: number, now: number) => Promise<void>;
  /** Since when reports could be received (startup grace); none when absent. */
  reportingSince?: (now: number) => Promise<number | undefined>;
  /** Since when the Defender for Cloud connector has read Azure without a gap (its grace); none when off. */
  azureSince?: (now: number) => Promise<number | undefined>;
  /** Test hook: runs between reading a candidate and committing it (to inject races). */
  beforeCommit?: (solutionId: string) => Promise<void>;
}

export interface TickResult {
  evaluated: number;
  flips: string[];
  requeued: number;
  /** True when more solutions were due than one tick takes. */
  more: boolean;
}

export class Evaluator {
  constructor(private readonly deps: EvaluatorDeps) {}

  async tick(now: number): Promise<TickResult> {
    const { ctx, logger } = this.deps;
    const previous = await ctx.redis.set(ctx.keys.heartbeat, String(now), 'GET');
    if (previous !== null && now - Number(previous) > this.deps.heartbeatStaleMs) {
      logger.warn({ gapMs: now - Number(previous) }, 'evaluation was stopped and has resumed late');
      await this.deps.onLate?.(now - Number(previous), now);
    }
    const due = await ctx.redis.zrangebyscore(
      ctx.keys.deadlines,
      '-inf',
      String(now),
      'WITHSCORES',
      'LIMIT',
      0,
      TICK_BATCH,
    );
    // One round trip for the batch's records, the commits in flight together, one bulk enqueue.
    const ids: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < due.length; i += 2) {
      ids.push(due[i] as string);
      scores.push(Number(due[i + 1]));
    }
    const records = ids.length > 0 ? await this.deps.solutions.getMany(ids) : [];
    const reportingSince = ids.length > 0 ? await this.deps.reportingSince?.(now) : undefined;
    const azureSince = ids.length > 0 ? await this.deps.azureSince?.(now) : undefined;
    const defaults = withReportingSince(this.deps.defaults, reportingSince, azureSince);
    const results = await Promise.all(
      ids.map((id, i) => this.evaluateOne(id, records[i] ?? null, scores[i] as number, now, defaults)),
    );
    const flips = results.filter((r): r is { flipId: string; alert: boolean } => r !== null);
    // The commit wrote each flip into the outbox; its deliver job follows.
    await this.deps.outbox.enqueue(
      'flip',
      flips.filter((f) => f.alert).map((f) => f.flipId),
    );
    await this.deps.incidents?.remindDue(now);
    for (const run of this.deps.scheduled ?? []) await run(now);
    const requeued = await this.deps.outbox.requeueStuck(now - OUTBOX_REQUEUE_AFTER_MS);
    return {
      evaluated: ids.length,
      flips: flips.map((f) => f.flipId),
      requeued,
      more: ids.length >= TICK_BATCH,
    };
  }

  /** Judges one due solution and commits the result; returns the flip it wrote, if any. */
  private async evaluateOne(
    id: string,
    rec: SolutionRecord | null | Error,
    score: number,
    now: number,
    defaults: HealthPolicy,
  ): Promise<{ flipId: string; alert: boolean } | null> {
    const { ctx, flips, logger } = this.deps;
    try {
      if (rec instanceof Error) throw rec;
      if (rec?.solution.lifecycle !== 'connected') {
        await ctx.redis.zrem(ctx.keys.deadlines, id);
        return null;
      }
      const result = evaluate(rec.facts, policyFor(rec.solution, defaults), now);
      const kind = flipKind(rec.state, result.state);
      await this.deps.beforeCommit?.(id);
      const commit = await flips.commit({
        solutionId: id,
        expectedRev: rec.rev,
        expectedState: rec.state,
        expectedSeq: rec.flipSeq,
        newState: result.state,
        // The state changed when its deadline passed (or when the report that changed it arrived).
        at: Math.min(score, now),
        reason: result.reason,
        deadline: result.deadline,
        kind,
        channel: rec.solution.alertChannel ?? this.deps.defaultChannel,
        now,
      });
      if (commit.outcome !== 'flip') return null;
      logger.info({ solutionId: id, flipId: commit.flipId, from: rec.state, to: result.state }, 'flip');
      return { flipId: commit.flipId, alert: kind !== 'quiet' };
    } catch (err) {
      // A solution that cannot be evaluated (corrupt record) must not stall everyone else's ticks.
      logger.error({ solutionId: id, err }, 'evaluation failed; postponing this solution');
      await ctx.redis.zadd(ctx.keys.deadlines, now + POSTPONE_ON_ERROR_MS, id);
      return null;
    }
  }
}
