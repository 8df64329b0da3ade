/**
 * The status read model (storage/status-index.ts) on the real Redis: counts follow every flip in the same
 * step, a solution whose deadline passed before the evaluator judged it is never shown healthy, and pages
 * follow a cursor through every connected solution exactly once.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HealthState } from '../../src/domain/model.js';
import { StatusService } from '../../src/services/status-service.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { StatusIndex } from '../../src/storage/status-index.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const HOUR = 3_600_000;
const T0 = 1_800_000_000_000;
const defaults = { every: HOUR, grace: 15 * 60_000, silenceWindow: 14 * 24 * HOUR, unhealthyThreshold: 1 };

let redis: Redis;
let prefix: string;
let ctx: StorageContext;
let now = T0;
let status: StatusService;

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());
beforeEach(() => {
  prefix = testPrefix('status-model');
  ctx = storageContext(redis, prefix);
  now = T0;
  const solutions = new SolutionRepository(ctx);
  status = new StatusService({
    solutions,
    flips: new FlipRepository(ctx),
    reports: new ReportRepository(ctx),
    defaults,
    now: () => now,
    index: new StatusIndex(ctx),
  });
});
afterEach(() => cleanupPrefix(redis, prefix));

async function connected(id: string, deadline = T0 + 2 * HOUR) {
  await ctx.scripts.createSolution({
    id,
    nameKey: id,
    now: T0,
    firstDeadline: deadline,
    fields: {
      id,
      name: `Solution ${id}`,
      vendor: 'V',
      family: 'edr',
      source: 'push',
      linkedResources: '[]',
      lifecycle: 'connected',
      createdAt: String(T0),
      connectedAt: String(T0),
      version: '1',
    },
  });
}

/** The evaluator's commit of a state change. */
async function flip(id: string, to: HealthState, deadline: number | null = now + HOUR) {
  const rec = await new SolutionRepository(ctx).get(id);
  if (!rec) throw new Error(`no ${id}`);
  const r = await new FlipRepository(ctx).commit({
    solutionId: id,
    expectedRev: rec.rev,
    expectedState: rec.state,
    expectedSeq: rec.flipSeq,
    newState: to,
    at: now,
    now,
    reason: `now ${to}`,
    deadline,
    kind: 'quiet',
    channel: 'C0ALERTS',
  });
  expect(r.outcome).toBe('flip');
}

const counts = async () => (await status.snapshot()).counts;

describe('the counts', () => {
  it('follow every flip, and a deleted solution leaves them', async () => {
    await connected('a');
    await connected('b');
    expect(await counts()).toEqual({ healthy: 0, unhealthy: 0, stopped_reporting: 0, not_reported: 2 });
    await flip('a', 'healthy');
    expect(await counts()).toEqual({ healthy: 1, unhealthy: 0, stopped_reporting: 0, not_reported: 1 });
    await flip('a', 'unhealthy');
    await flip('b', 'healthy');
    expect(await counts()).toEqual({ healthy: 1, unhealthy: 1, stopped_reporting: 0, not_reported: 0 });
    await flip('a', 'stopped_reporting');
    expect(await counts()).toEqual({ healthy: 1, unhealthy: 0, stopped_reporting: 1, not_reported: 0 });
    await new SolutionRepository(ctx).delete('a');
    expect(await counts()).toEqual({ healthy: 1, unhealthy: 0, stopped_reporting: 0, not_reported: 0 });
    expect(await redis.zrange(ctx.keys.statusIndex, '0', '-1')).toEqual(['3:b']);
  });

  it('index solutions that predate the read model, once', async () => {
    await connected('old');
    await flip('old', 'unhealthy');
    await redis.del(ctx.keys.statusIndex);
    expect(await counts()).toEqual({ healthy: 0, unhealthy: 1, stopped_reporting: 0, not_reported: 0 });
    expect(await redis.get(ctx.keys.statusIndexBuilt)).toBe('1');
  });
});

describe('a solution whose deadline passed before the evaluator judged it', () => {
  it('is counted and listed in the state the rules give now, never as healthy', async () => {
    await connected('quiet');
    await connected('fine');
    await new ReportRepository(ctx).addHealth('quiet', { status: 'healthy', observedAt: T0, receivedAt: T0 });
    await new ReportRepository(ctx).addHealth('fine', { status: 'healthy', observedAt: T0, receivedAt: T0 });
    await flip('quiet', 'healthy', T0 + HOUR + 15 * 60_000 + 1);
    await flip('fine', 'healthy', T0 + 10 * HOUR);
    // Two hours later the evaluator has not run: 'quiet' is committed healthy but its deadline has passed.
    now = T0 + 2 * HOUR;
    await new ReportRepository(ctx).addHealth('fine', {
      status: 'healthy',
      observedAt: now,
      receivedAt: now,
    });
    const snap = await status.snapshot();
    expect(snap.counts).toEqual({ healthy: 1, unhealthy: 0, stopped_reporting: 1, not_reported: 0 });
    expect(snap.connected.map((j) => [j.record.solution.id, j.evaluation.state])).toEqual([
      ['quiet', 'stopped_reporting'],
      ['fine', 'healthy'],
    ]);
    const healthy = await status.page({ state: 'healthy', limit: 10 });
    expect(healthy.page.map((j) => j.record.solution.id)).toEqual(['fine']);
    const stale = await status.page({ state: 'stopped_reporting', limit: 10 });
    expect(stale.page.map((j) => j.record.solution.id)).toEqual(['quiet']);
  });
});

describe('pages', () => {
  it('walk every connected solution once, worst first, with a cursor', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `s-${String(i).padStart(2, '0')}`);
    for (const id of ids) await connected(id);
    for (const id of ids.slice(0, 5)) await flip(id, 'unhealthy');
    for (const id of ids.slice(5)) await flip(id, 'healthy');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = await status.page({ after: cursor, limit: 10 });
      seen.push(...p.page.map((j) => j.record.solution.id));
      if (!p.nextCursor) break;
      cursor = p.nextCursor;
    }
    expect(seen).toEqual(ids);
    const snap = await status.snapshot({ offset: 20, limit: 10 });
    expect(snap.connectedTotal).toBe(25);
    expect(snap.connected.map((j) => j.record.solution.id)).toEqual(ids.slice(20));
  });
});
