/**
 * After secsol's own outage, solutions that could not report to it are not flagged: the ingestion clock
 * restarts their cadence when web processes beat again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import {
  INGEST_BEAT_MS,
  INGEST_GAP_MS,
  IngestionClock,
  ingestionTiming,
} from '../../src/storage/ingestion-clock.js';
import { testPrefix } from '../harness/redis.js';
import { evaluatorFixture, reportedOnceAt } from './evaluator-fixture.js';

const policy = { every: 60_000, grace: 30_000, silenceWindow: 14 * 86_400_000, unhealthyThreshold: 1 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup() {
  const fixture = evaluatorFixture(testPrefix('grace'), policy);
  cleanups.push(fixture.cleanup);
  const clock = new IngestionClock(fixture.ctx);
  const evaluator = fixture.evaluator({ reportingSince: (now) => clock.upSince(now) });
  return { ctx: fixture.ctx, clock, evaluator };
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

describe('ingestionTiming', () => {
  it('beats three times per shortest cadence and calls one cadence of silence a gap, within bounds', () => {
    expect(ingestionTiming(3_000)).toEqual({ beatMs: 1_000, gapMs: 3_000 });
    expect(ingestionTiming(75 * 60_000)).toEqual({ beatMs: INGEST_BEAT_MS, gapMs: INGEST_GAP_MS });
    expect(ingestionTiming(300)).toEqual({ beatMs: 250, gapMs: 500 });
  });
});

describe('when the web side was down longer than a solution cadence', () => {
  it('does not flag the solution until a full cadence after reporting was possible again', async () => {
    const { ctx, clock, evaluator } = setup();
    const t0 = Date.now() - 3_600_000;
    await clock.beat(t0);
    await reportedOnceAt(ctx, 'edr-1', t0);
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
