/**
 * secsol's cost as the number of solutions grows (10, 1,000, 100,000), against the local Redis.
 * Run: `npm run bench` (or `npm run bench -- 10 1000` for fewer sizes). Writes a Markdown table to stdout.
 *
 * - tick, nothing due: what one evaluation tick costs when no solution changed (the common case);
 * - tick, 100 due: the same with 100 solutions that just reported;
 * - full sweep: every solution due at once (after an outage), per solution;
 * - list + judge: loading every solution and judging it now (what /secsol status and GET /solutions do);
 * - ingest: health reports through the real HTTP API, 50 in flight.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { run } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { evaluate, policyFor } from '../src/domain/health.js';
import { createLogger } from '../src/logger.js';
import { Outbox } from '../src/outbox/outbox.js';
import { type StorageContext, storageContext } from '../src/storage/context.js';
import { DeliveryRepository } from '../src/storage/delivery-repository.js';
import { FlipRepository } from '../src/storage/flip-repository.js';
import { OutageLog } from '../src/storage/outage-log.js';
import { connect } from '../src/storage/redis.js';
import { solutionFields } from '../src/storage/solution-record.js';
import { SolutionRepository } from '../src/storage/solution-repository.js';
import { Evaluator } from '../src/worker/evaluator.js';

const logger = createLogger('silent');
const policy = { every: 3_600_000, grace: 900_000, silenceWindow: 14 * 86_400_000, unhealthyThreshold: 1 };

async function seed(ctx: StorageContext, n: number, now: number): Promise<void> {
  for (let i = 0; i < n; i += 5000) {
    const p = ctx.redis.pipeline();
    for (let j = i; j < Math.min(n, i + 5000); j++) {
      const id = `sol-${j}`;
      p.hset(ctx.keys.solution(id), {
        ...solutionFields({
          id,
          name: `Solution ${j}`,
          vendor: 'Bench',
          family: 'edr',
          source: 'push',
          linkedResources: [],
          lifecycle: 'connected',
          createdAt: now - 86_400_000,
          connectedAt: now - 86_400_000,
          version: 1,
        }),
        rev: '1',
        state: 'healthy',
        flipSeq: '1',
        unhealthyStreak: '0',
        lastHealthAt: String(now - 60_000),
        lastObservedAt: String(now - 60_000),
        lastHealthStatus: 'healthy',
      });
      p.sadd(ctx.keys.solutions, id);
      p.zadd(ctx.keys.deadlines, now - 60_000 + policy.every + policy.grace + 1, id);
    }
    await p.exec();
  }
}

async function cleanup(ctx: StorageContext): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `${ctx.keys.prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await ctx.redis.unlink(...keys);
  } while (cursor !== '0');
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) =>
  n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en');

async function measure(n: number) {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const redis = connect(
    { kind: 'server', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    'default',
    new OutageLog(logger),
  );
  const ctx = storageContext(redis, prefix);
  const queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  const now = Date.now();
  try {
    let t = process.hrtime.bigint();
    await seed(ctx, n, now);
    const seedMs = ms(t);
    const evaluator = new Evaluator({
      ctx,
      solutions: new SolutionRepository(ctx),
      flips: new FlipRepository(ctx),
      outbox: new Outbox({
        delivery: new DeliveryRepository(ctx),
        keys: ctx.keys,
        queue,
        policy: { attempts: 1, backoffMs: 1000 },
        now: Date.now,
      }),
      defaults: policy,
      defaultChannel: 'C0BENCH',
      heartbeatStaleMs: 3_600_000,
      logger,
    });
    // Nothing due: median of 20 ticks.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      t = process.hrtime.bigint();
      await evaluator.tick(now);
      idle.push(ms(t));
    }
    idle.sort((a, b) => a - b);
    // 100 due (they just reported): state stays healthy, deadlines move.
    const due = Math.min(100, n);
    for (let i = 0; i < due; i++) await ctx.redis.zadd(ctx.keys.deadlines, now, `sol-${i}`);
    t = process.hrtime.bigint();
    await evaluator.tick(now);
    const dueMs = ms(t);
    // Full sweep: everyone goes stale at once (after an outage): flips for all, 500 per tick.
    const later = now + policy.every + policy.grace + 120_000;
    t = process.hrtime.bigint();
    let flips = 0;
    for (;;) {
      const r = await evaluator.tick(later);
      flips += r.flips.length;
      if (!r.more) break;
    }
    const sweepMs = ms(t);
    // List + judge, as /secsol status and GET /api/v1/solutions do.
    t = process.hrtime.bigint();
    const all = await new SolutionRepository(ctx).list();
    for (const r of all) evaluate(r.facts, policyFor(r.solution, policy), later);
    const listMs = ms(t);
    const mem = (await redis.info('memory')).match(/used_memory:(\d+)/)?.[1];
    return { n, seedMs, idle: idle[10] as number, dueMs, sweepMs, flips, listMs, redisMb: Number(mem) / 1e6 };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await cleanup(ctx);
    redis.disconnect();
  }
}

async function ingest(): Promise<{ rps: number; p50: number; p99: number }> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    PORT: '0',
    SECSOL_KEY_PREFIX: prefix,
    SECSOL_ADMIN_TOKEN: 'bA9xK3mQ7wE2rT5yU8iO4pL6',
    SECSOL_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'silent',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  });
  const app = await run(config, { web: true, worker: false, logger, print: () => {} });
  const url = `http://127.0.0.1:${app.port}`;
  const created = (await (
    await fetch(`${url}/api/v1/solutions`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-admin-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench ingest', vendor: 'Bench' }),
    })
  ).json()) as { id: string; token: string };
  const total = 5000;
  const latencies: number[] = [];
  let sent = 0;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (sent < total) {
        sent++;
        const t0 = process.hrtime.bigint();
        const res = await fetch(`${url}/api/v1/solutions/${created.id}/health`, {
          method: 'POST',
          headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'healthy', message: 'ok' }),
        });
        await res.arrayBuffer();
        if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
        latencies.push(ms(t0));
      }
    }),
  );
  const elapsed = ms(t);
  await app.close();
  const redis = connect(config.redis, 'default', new OutageLog(logger));
  await cleanup(storageContext(redis, prefix));
  redis.disconnect();
  latencies.sort((a, b) => a - b);
  return {
    rps: (total / elapsed) * 1000,
    p50: latencies[Math.floor(total * 0.5)] as number,
    p99: latencies[Math.floor(total * 0.99)] as number,
  };
}

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const rows = [];
for (const n of sizes.length ? sizes : [10, 1000, 100_000]) rows.push(await measure(n));
console.log(
  '| solutions | seed (ms) | tick, nothing due (ms, median) | tick, 100 due (ms) | full sweep (ms) | per solution (µs) | list + judge (ms) |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(
    `| ${r.n.toLocaleString('en')} | ${fmt(r.seedMs)} | ${fmt(r.idle)} | ${fmt(r.dueMs)} | ${fmt(r.sweepMs)} (${r.flips.toLocaleString('en')} flips) | ${fmt((r.sweepMs * 1000) / r.n)} | ${fmt(r.listMs)} |`,
  );
}
const ing = await ingest();
console.log(
  `\nIngestion (health reports over HTTP, 50 in flight, one web process): ${fmt(ing.rps)} req/s, p50 ${fmt(ing.p50)} ms, p99 ${fmt(ing.p99)} ms`,
);
process.exit(0);
