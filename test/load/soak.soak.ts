/**
 * Memory soak (not part of `npm test`; `npm run soak`, run by .ci/run): a few solution tokens send large
 * high-severity events (and health reports with as large details) as fast as their rate limit lets them,
 * for a bounded time, and Redis memory must
 * reach a plateau (docs/reliability.md row 15, item 5 of issue 8). Before the byte budget each event was
 * kept twice, in a list capped only by count (500 × ~200 KB) and copied into its 7-day event batch, so
 * memory grew for as long as the load lasted.
 *
 * secsol runs in-process against a redis-server of the run's own (used_memory is then secsol's alone, and
 * the shared server is never touched); it is stopped, with everything in it, at the end. The figures are
 * printed as a table the docs quote (docs/benchmarks.md).
 *
 * Knobs (environment): SOAK_SECONDS (90), SOAK_SOLUTIONS (2), SOAK_EVENT_KB (200), SOAK_RATE (requests per
 * second per token, 9: under the default 600 a minute), SOAK_BUDGET (SECSOL_EVENT_BUDGET, 4MiB),
 * SOAK_OVERHEAD_MB (what may sit beside the budgets: outbox, queues, dedup windows; 32),
 * SOAK_GROWTH_MB (growth allowed over the last third; 4).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HEALTH_HISTORY_BUDGET } from '../../src/storage/report-repository.js';
import { startApp, type TestApp } from '../harness/app.js';
import { type Secsol as Driver, Secsol, type SolutionRef } from '../harness/drivers.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { PrivateRedis } from '../harness/private-redis.js';
import { scanKeys } from '../harness/redis.js';

const MB = 1024 * 1024;
const knob = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
};
const SECONDS = knob('SOAK_SECONDS', 90);
const SOLUTIONS = knob('SOAK_SOLUTIONS', 2);
const EVENT_KB = knob('SOAK_EVENT_KB', 200);
const RATE = knob('SOAK_RATE', 9);
const BUDGET = process.env.SOAK_BUDGET ?? '4MiB';
const OVERHEAD_MB = knob('SOAK_OVERHEAD_MB', 32);
const GROWTH_MB = knob('SOAK_GROWTH_MB', 4);
const SAMPLE_EVERY_MS = 3000;

let redis: PrivateRedis;
let probe: Redis;
let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  redis = await PrivateRedis.start({ args: ['--maxmemory-policy', 'noeviction'] });
  probe = new Redis(redis.url);
  fake = await FakeSlack.start();
  app = await startApp(fake, {
    redis: { env: { REDIS_URL: redis.url }, connect: () => new Redis(redis.url) },
    env: { SECSOL_EVENT_BUDGET: BUDGET, SECSOL_EVENT_MIN_SEVERITY: 'high', SECSOL_EXPECTED_EVERY: '1h' },
  });
});
afterAll(async () => {
  await app?.close();
  probe?.disconnect();
  await redis?.stop();
  await fake?.close();
});

interface Sample {
  t: number;
  usedMB: number;
  /** MEMORY USAGE of secsol's keys together. */
  keysMB: number;
  keys: number;
  accepted: number;
  /** MB per kind of key (`events`, `event-batch`, `q` for the queues…). */
  byFamily: Map<string, number>;
}

/** used_memory of the run's own server, and what secsol's keys take of it. */
async function sample(t: number, accepted: number): Promise<Sample> {
  const info = await probe.info('memory');
  const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
  const keys = await scanKeys(probe, `{${app.prefix}}*`);
  let bytes = 0;
  const byFamily = new Map<string, number>();
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const p = probe.pipeline();
    for (const k of batch) p.memory('USAGE', k, 'SAMPLES', '0');
    const replies = (await p.exec()) ?? [];
    replies.forEach(([, n], j) => {
      const family = (batch[j] ?? '').split(':')[1] ?? '?';
      byFamily.set(family, (byFamily.get(family) ?? 0) + Number(n ?? 0) / MB);
      bytes += Number(n ?? 0);
    });
  }
  return { t, usedMB: used / MB, keysMB: bytes / MB, keys: keys.length, accepted, byFamily };
}

/**
 * One token at its pace until `end`: each request one event of EVENT_KB KB, high severity (a batch each),
 * and every fourth a health report carrying as much in its details (the health history's byte budget).
 */
async function drive(secsol: Driver, s: SolutionRef, end: number, tally: Map<number, number>) {
  const blob = 'x'.repeat(EVENT_KB * 1000);
  const gap = 1000 / RATE;
  const start = Date.now();
  for (let i = 0; Date.now() < end; i++) {
    const res =
      i % 4 === 3
        ? await secsol.postHealth(s, { status: 'healthy', details: { raw: blob } })
        : await secsol.postEvents(s, {
            events: [
              { id: `${s.id}-${i}`, severity: 'high', title: `Finding ${i}`, properties: { raw: blob } },
            ],
          });
    tally.set(res.status, (tally.get(res.status) ?? 0) + 1);
    // Pacing a load generator, not waiting for a condition: the next request at its slot.
    const wait = start + (i + 1) * gap - Date.now();
    if (wait > 0) await sleep(wait);
  }
}

it(`holds Redis memory to a plateau under ${SOLUTIONS} tokens of ${EVENT_KB} KB events for ${SECONDS} s`, async () => {
  const secsol = new Secsol(app, fake);
  const solutions: SolutionRef[] = [];
  for (let i = 0; i < SOLUTIONS; i++) solutions.push(await secsol.createSolution(`Soak ${i + 1}`));
  const tally = new Map<number, number>();
  const t0 = Date.now();
  const end = t0 + SECONDS * 1000;
  const samples: Sample[] = [await sample(0, 0)];
  const driving = Promise.all(solutions.map((s) => drive(secsol, s, end, tally)));
  while (Date.now() < end) {
    await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, end - Date.now())));
    samples.push(await sample((Date.now() - t0) / 1000, tally.get(202) ?? 0));
  }
  await driving;

  const budgetBytes = app.config.eventBudget;
  const ceilingMB = ((budgetBytes + HEALTH_HISTORY_BUDGET) * SOLUTIONS) / MB + OVERHEAD_MB;
  const lastThird = samples.filter((s) => s.t >= (SECONDS * 2) / 3);
  const first = lastThird[0] as Sample;
  const last = lastThird[lastThird.length - 1] as Sample;
  const growthMB = last.usedMB - first.usedMB;
  const peakMB = Math.max(...samples.map((s) => s.usedMB));
  const sentMB = ((tally.get(202) ?? 0) * EVENT_KB * 1000) / MB;
  const f = (n: number) => n.toFixed(1).padStart(7);
  console.log(
    [
      `soak: ${SOLUTIONS} tokens × ${RATE} req/s × ${EVENT_KB} KB events or reports, ${SECONDS} s, SECSOL_EVENT_BUDGET=${BUDGET}`,
      `answers: ${[...tally].map(([status, n]) => `${n}× ${status}`).join(', ')} (${sentMB.toFixed(0)} MB of events and reports accepted)`,
      '     t (s) | used_memory (MB) | secsol keys (MB) |  keys | events accepted',
      ...samples.map(
        (s) =>
          `   ${f(s.t)} |         ${f(s.usedMB)}  |         ${f(s.keysMB)}  | ${String(s.keys).padStart(5)} | ${String(s.accepted).padStart(6)}`,
      ),
      `secsol keys at the end by kind (MB): ${[...last.byFamily]
        .sort((a, b) => b[1] - a[1])
        .map(([family, mb]) => `${family} ${mb.toFixed(2)}`)
        .join(', ')}`,
      `peak ${peakMB.toFixed(1)} MB (ceiling ${ceilingMB.toFixed(1)} MB = (event budget + 1 MiB of health history) × ${SOLUTIONS} + ${OVERHEAD_MB} MB); ` +
        `last third ${first.t.toFixed(0)}–${last.t.toFixed(0)} s grew ${growthMB.toFixed(2)} MB (allowed ${GROWTH_MB} MB)`,
    ].join('\n'),
  );

  // Only accepted or rate-limited: the load was real and nothing failed.
  expect([...tally.keys()].filter((status) => status !== 202 && status !== 429)).toEqual([]);
  expect(growthMB, 'Redis memory still growing in the last third of the run').toBeLessThan(GROWTH_MB);
  expect(peakMB, 'Redis memory above the budgets and a fixed overhead').toBeLessThan(ceilingMB);
  expect(sentMB, 'the load sent several budgets worth of events').toBeGreaterThan(
    (4 * budgetBytes * SOLUTIONS) / MB,
  );
});
