/**
 * Load run (not part of `npm test`): 10,000 connected solutions of one channel go stale at the same moment
 * (RELIABILITY 37). Every flip must be recorded once, the channel must get a handful of messages (a digest
 * and its edits), and the outbox must drain. Run: `npm run load`. Numbers: docs/benchmarks.md.
 */
import { expect } from 'vitest';
import { solutionFields } from '../../src/storage/solution-record.js';
import { ALERT_CHANNEL } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { waitUntil } from '../harness/wait.js';

const N = Number(process.env.STORM_SOLUTIONS ?? 10_000);
const it = secsolTest({ env: { SECSOL_DIGEST_WINDOW: '60s' } });

it(`records ${N} flips once and keeps the channel to a few messages`, async ({ app, fake }) => {
  const { ctx } = app;
  const now = Date.now();
  // Healthy until their deadline, 0.5 s from now (every 2 s + grace 1 s in the test profile).
  const last = now - 2500;
  for (let b = 0; b < N; b += 2000) {
    const p = ctx.redis.pipeline();
    for (let j = b; j < Math.min(N, b + 2000); j++) {
      const id = `sol-${j}`;
      p.hset(ctx.keys.solution(id), {
        ...solutionFields({
          id,
          name: `Sensor ${j}`,
          vendor: 'Load',
          family: 'edr',
          source: 'push',
          linkedResources: [],
          lifecycle: 'connected',
          createdAt: now - 60_000,
          connectedAt: now - 60_000,
          version: 1,
        }),
        rev: '1',
        state: 'healthy',
        flipSeq: '1',
        unhealthyStreak: '0',
        lastHealthAt: String(last),
        lastObservedAt: String(last),
        lastHealthStatus: 'healthy',
      });
      p.sadd(ctx.keys.solutions, id);
      p.zadd(ctx.keys.deadlines, last + 3001, id);
    }
    await p.exec();
  }
  const t0 = Date.now();
  await waitUntil(async () => (await ctx.redis.zcard(ctx.keys.deadlines)) === 0, {
    timeoutMs: 120_000,
    intervalMs: 100,
  });
  const recorded = Date.now() - t0;
  await waitUntil(async () => (await ctx.redis.zcard(ctx.keys.outbox)) === 0, {
    timeoutMs: 300_000,
    intervalMs: 200,
  });
  const drained = Date.now() - t0;
  const toChannel = fake.calls.filter(
    (c) =>
      (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === ALERT_CHANNEL,
  );
  console.log(
    `${N} solutions: flips recorded in ${recorded} ms, outbox drained in ${drained} ms, ` +
      `${toChannel.length} messages to the channel (${toChannel.filter((c) => c.method === 'chat.update').length} edits)`,
  );
  for (let j = 0; j < N; j += Math.max(1, Math.floor(N / 50))) {
    expect(await ctx.redis.llen(ctx.keys.solutionFlips(`sol-${j}`))).toBe(1);
  }
  expect(toChannel.length).toBeLessThanOrEqual(5);
  expect(fake.messages(ALERT_CHANNEL)[0]?.text).toMatch(new RegExp(`^${N} security solutions changed state`));
}, 600_000);
