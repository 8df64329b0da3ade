/**
 * Two evaluators racing on the same solution (Healthchecks' injected race): both read the same facts,
 * both decide to flip; the compare-and-set lets exactly one win, the loser moves on, one alert job.
 */
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { Evaluator } from '../../src/worker/evaluator.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const policy = { every: 1000, grace: 500, silenceWindow: 14 * 86_400_000, unhealthyThreshold: 1 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup(prefix: string) {
  const redis = testRedis();
  const ctx: StorageContext = storageContext(redis, prefix);
  const queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  cleanups.push(async () => {
    await queue.close();
    await cleanupPrefix(redis, prefix);
    redis.disconnect();
  });
  return { ctx, queue };
}

function evaluator(ctx: StorageContext, queue: Queue, beforeCommit?: (id: string) => Promise<void>) {
  return new Evaluator({
    ctx,
    solutions: new SolutionRepository(ctx),
    flips: new FlipRepository(ctx),
    delivery: new DeliveryRepository(ctx),
    deliverQueue: queue,
    defaults: policy,
    defaultChannel: 'C0RACE',
    alertAttempts: 1,
    alertBackoffMs: 100,
    heartbeatStaleMs: 60_000,
    logger: createLogger('silent'),
    beforeCommit,
  });
}

async function staleSolution(ctx: StorageContext, id: string, t0: number) {
  const solutions = new SolutionRepository(ctx);
  await solutions.create(
    {
      id,
      name: id,
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
  await new ReportRepository(ctx).addHealth(id, { status: 'healthy', observedAt: t0, receivedAt: t0 });
}

describe('when two evaluators judge the same stale solution at the same moment', () => {
  it('writes exactly one flip and queues exactly one alert', async () => {
    const prefix = testPrefix('race');
    const a = setup(prefix);
    const b = setup(prefix);
    const t0 = Date.now() - 10_000;
    await staleSolution(a.ctx, 'sensor-1', t0);
    // First tick: not reported -> healthy (quiet); both evaluators then see it healthy and stale.
    await evaluator(a.ctx, a.queue).tick(t0 + 10);

    let arrived = 0;
    let release: () => void = () => {};
    const barrier = new Promise<void>((r) => {
      release = r;
    });
    const both = async () => {
      arrived++;
      if (arrived === 2) release();
      await barrier;
    };
    const now = t0 + 5000;
    const [ra, rb] = await Promise.all([
      evaluator(a.ctx, a.queue, both).tick(now),
      evaluator(b.ctx, b.queue, both).tick(now),
    ]);
    expect(ra.flips.length + rb.flips.length).toBe(1);
    const flips = await new FlipRepository(a.ctx).recent('sensor-1');
    expect(flips.map((f) => f.to)).toEqual(['stopped_reporting', 'healthy']);
    expect(await a.queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(1);
    expect(await a.ctx.redis.zcard(a.ctx.keys.outbox)).toBe(1);
  });
});

describe('when a report arrives between an evaluator reading a solution and committing', () => {
  it('does not flip on the stale facts', async () => {
    const prefix = testPrefix('race');
    const { ctx, queue } = setup(prefix);
    const t0 = Date.now() - 10_000;
    await staleSolution(ctx, 'sensor-2', t0);
    await evaluator(ctx, queue).tick(t0 + 10);
    const now = t0 + 5000;
    const result = await evaluator(ctx, queue, async () => {
      await new ReportRepository(ctx).addHealth('sensor-2', {
        status: 'healthy',
        observedAt: now,
        receivedAt: now,
      });
    }).tick(now);
    expect(result.flips).toEqual([]);
    // The next tick sees the fresh report: still healthy, no flip at all.
    const next = await evaluator(ctx, queue).tick(now + 1);
    expect(next.flips).toEqual([]);
    expect((await new FlipRepository(ctx).recent('sensor-2')).map((f) => f.to)).toEqual(['healthy']);
  });
});

describe('when evaluating a solution throws', () => {
  it('postpones that solution instead of failing the tick', async () => {
    const prefix = testPrefix('race');
    const { ctx, queue } = setup(prefix);
    const t0 = Date.now();
    await staleSolution(ctx, 'good', t0);
    await ctx.redis.hset(ctx.keys.solution('corrupt'), { id: 'corrupt', family: 'not-a-family' });
    await ctx.redis.zadd(ctx.keys.deadlines, t0, 'corrupt');
    const result = await evaluator(ctx, queue).tick(t0 + 10);
    expect(result.flips).toHaveLength(1);
    expect(Number(await ctx.redis.zscore(ctx.keys.deadlines, 'corrupt'))).toBeGreaterThan(t0 + 10);
  });
});
