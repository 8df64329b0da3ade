/**
 * After secsol's own outage, solutions that could not report to it are not flagged: the ingestion clock
 * restarts their cadence when web processes beat again.
 */
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { INGEST_GAP_MS, IngestionClock } from '../../src/storage/ingestion-clock.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { Evaluator } from '../../src/worker/evaluator.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const policy = { every: 60_000, grace: 30_000, silenceWindow: 14 * 86_400_000, unhealthyThreshold: 1 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup() {
  const prefix = testPrefix('grace');
  const redis = testRedis();
  const ctx: StorageContext = storageContext(redis, prefix);
  const queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  cleanups.push(async () => {
    await queue.close();
    await cleanupPrefix(redis, prefix);
    redis.disconnect();
  });
  const clock = new IngestionClock(ctx);
  const evaluator = new Evaluator({
    ctx,
    solutions: new SolutionRepository(ctx),
    flips: new FlipRepository(ctx),
    delivery: new DeliveryRepository(ctx),
    deliverQueue: queue,
    defaults: policy,
    defaultChannel: 'C0GRACE',
    alertAttempts: 1,
    alertBackoffMs: 100,
    heartbeatStaleMs: 3_600_000,
    logger: createLogger('silent'),
    reportingSince: (now) => clock.upSince(now),
  });
  return { ctx, clock, evaluator };
}

describe('the ingestion clock', () => {
  it('starts at the first beat, keeps through regular beats and restarts after a gap', async () => {
    const { clock } = setup();
    const t = 1_800_000_000_000;
    expect(await clock.upSince(t)).toBeUndefined();
    expect(await clock.beat(t)).toBe(t);
    expect(await clock.beat(t + 5000)).toBe(t);
    expect(await clock.upSince(t + 6000)).toBe(t);
    // Nobody beat for longer than the gap: right now reports cannot arrive.
    expect(await clock.upSince(t + 5000 + INGEST_GAP_MS + 1)).toBe(t + 5000 + INGEST_GAP_MS + 1);
    const back = t + 5000 + INGEST_GAP_MS + 10;
    expect(await clock.beat(back)).toBe(back);
  });
});

describe('when the web side was down longer than a solution cadence', () => {
  it('does not flag the solution until a full cadence after reporting was possible again', async () => {
    const { ctx, clock, evaluator } = setup();
    const t0 = Date.now() - 3_600_000;
    await new SolutionRepository(ctx).create(
      {
        id: 'edr-1',
        name: 'EDR',
        vendor: 'v',
        family: 'edr',
        source: 'push',
        linkedResources: [],
        lifecycle: 'connected',
        createdAt: t0,
        connectedAt: t0,
        version: 1,
      },
      t0,
      t0,
    );
    await clock.beat(t0);
    await new ReportRepository(ctx).addHealth('edr-1', { status: 'healthy', observedAt: t0, receivedAt: t0 });
    await evaluator.tick(t0 + 1);
    // The web side stops beating at t0 and comes back an hour later.
    const back = t0 + 3_600_000;
    await clock.beat(back);
    await ctx.redis.zadd(ctx.keys.deadlines, back, 'edr-1');
    expect((await evaluator.tick(back + 1)).flips).toEqual([]);
    expect((await evaluator.tick(back + policy.every + policy.grace)).flips).toEqual([]);
    // The web side beats every 5 s from then on.
    for (let t = back; t <= back + policy.every + policy.grace; t += 5000) await clock.beat(t);
    const late = await evaluator.tick(back + policy.every + policy.grace + 1);
    expect(late.flips).toHaveLength(1);
    const [flip] = await new FlipRepository(ctx).recent('edr-1', 1);
    expect(flip?.to).toBe('stopped_reporting');
  });
});
