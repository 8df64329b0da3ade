/**
 * Two evaluators racing on the same solution (Healthchecks' injected race): both read the same facts,
 * both decide to flip; the compare-and-set lets exactly one win, the loser moves on, one alert job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { testPrefix } from '../harness/redis.js';
import { evaluatorFixture, reportedOnceAt as staleSolution } from './evaluator-fixture.js';

const policy = { every: 1000, grace: 500, silenceWindow: 14 * 86_400_000, unhealthyThreshold: 1 };
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup(prefix: string) {
  const fixture = evaluatorFixture(prefix, policy);
  cleanups.push(fixture.cleanup);
  return fixture;
}

function evaluator(fixture: ReturnType<typeof setup>, beforeCommit?: (id: string) => Promise<void>) {
  return fixture.evaluator({ beforeCommit, heartbeatStaleMs: 60_000 });
}

describe('when two evaluators judge the same stale solution at the same moment', () => {
  it('writes exactly one flip and queues exactly one alert', async () => {
    const prefix = testPrefix('race');
    const a = setup(prefix);
    const b = setup(prefix);
    const t0 = Date.now() - 10_000;
    await staleSolution(a.ctx, 'sensor-1', t0);
    // First tick: not reported -> healthy (quiet); both evaluators then see it healthy and stale.
    await evaluator(a).tick(t0 + 10);

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
    const [ra, rb] = await Promise.all([evaluator(a, both).tick(now), evaluator(b, both).tick(now)]);
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
    const f = setup(prefix);
    const { ctx } = f;
    const t0 = Date.now() - 10_000;
    await staleSolution(ctx, 'sensor-2', t0);
    await evaluator(f).tick(t0 + 10);
    const now = t0 + 5000;
    const result = await evaluator(f, async () => {
      await new ReportRepository(ctx).addHealth('sensor-2', {
        status: 'healthy',
        observedAt: now,
        receivedAt: now,
      });
    }).tick(now);
    expect(result.flips).toEqual([]);
    // The next tick sees the fresh report: still healthy, no flip at all.
    const next = await evaluator(f).tick(now + 1);
    expect(next.flips).toEqual([]);
    expect((await new FlipRepository(ctx).recent('sensor-2')).map((f) => f.to)).toEqual(['healthy']);
  });
});

describe('when evaluating a solution throws', () => {
  it('postpones that solution instead of failing the tick', async () => {
    const prefix = testPrefix('race');
    const f = setup(prefix);
    const { ctx } = f;
    const t0 = Date.now();
    await staleSolution(ctx, 'good', t0);
    await ctx.redis.hset(ctx.keys.solution('corrupt'), { id: 'corrupt', family: 'not-a-family' });
    await ctx.redis.zadd(ctx.keys.deadlines, t0, 'corrupt');
    const result = await evaluator(f).tick(t0 + 10);
    expect(result.flips).toHaveLength(1);
    expect(Number(await ctx.redis.zscore(ctx.keys.deadlines, 'corrupt'))).toBeGreaterThan(t0 + 10);
  });
});
