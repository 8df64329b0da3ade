/**
 * What people read, as the fleet grows: `/secsol status` (counts and the first page, rendered), App Home
 * (counts, the worst solutions, the snoozes, rendered) and the admin list (`GET /api/v1/solutions`, its
 * first page, and one state) through the real HTTP API; and at the largest size, Redis bytes per solution
 * and the process's RSS.
 */

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { run } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { StatusService } from '../src/services/status-service.js';
import { homeView } from '../src/slack/blocks/home-blocks.js';
import { STATUS_PAGE_SIZE, statusMessage } from '../src/slack/blocks/status-blocks.js';
import { storageContext } from '../src/storage/context.js';
import { FlipRepository } from '../src/storage/flip-repository.js';
import { OutageLog } from '../src/storage/outage-log.js';
import { connect } from '../src/storage/redis.js';
import { ReportRepository } from '../src/storage/report-repository.js';
import { SolutionRepository } from '../src/storage/solution-repository.js';
import { StatusIndex } from '../src/storage/status-index.js';
import { seed } from './seed.js';
import { cleanupPrefix, ms, pct, REDIS_URL, usedMemory } from './util.js';

const ADMIN = 'bA9xK3mQ7wE2rT5yU8iO4pL6';
const logger = createLogger('silent');

export interface StatusRow {
  n: number;
  seedMs: number;
  status: { p50: number; p95: number };
  home: { p50: number; p95: number };
  adminList: { p50: number; p95: number };
  adminState: { p50: number; p95: number };
  redisBytesPerSolution: number;
  rssMb: number;
}

async function timed(runs: number, fn: () => Promise<unknown>) {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(ms(t0));
  }
  t.sort((a, b) => a - b);
  return { p50: pct(t, 0.5), p95: pct(t, 0.95) };
}

export async function statusAt(n: number, runs = 20): Promise<StatusRow> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    PORT: '0',
    SECSOL_KEY_PREFIX: prefix,
    SECSOL_ADMIN_TOKEN: ADMIN,
    LOG_LEVEL: 'silent',
    REDIS_URL,
  });
  // The bench runs against one server (REDIS_URL), never a cluster.
  const redis = connect({ kind: 'server', url: REDIS_URL }, 'default', new OutageLog(logger)) as Redis;
  const ctx = storageContext(redis, prefix);
  try {
    const before = await usedMemory(redis);
    const now = Date.now();
    const t0 = process.hrtime.bigint();
    await seed(ctx, n, now, config.health);
    const seedMs = ms(t0);
    const redisBytesPerSolution = (await usedMemory(redis)) - before;
    const app = await run(config, { web: true, worker: false, logger, print: () => {} });
    try {
      const solutions = new SolutionRepository(ctx);
      const status = new StatusService({
        solutions,
        flips: new FlipRepository(ctx),
        reports: new ReportRepository(ctx),
        defaults: config.health,
        now: Date.now,
        index: new StatusIndex(ctx),
      });
      const url = `http://127.0.0.1:${app.port}`;
      const get = async (path: string) => {
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        return res.json();
      };
      const statusT = await timed(runs, async () =>
        statusMessage(await status.snapshot({ limit: STATUS_PAGE_SIZE }), { page: 0 }),
      );
      const home = await timed(runs, async () => {
        const [snapshot, snoozed] = await Promise.all([status.snapshot(), status.snoozed()]);
        return homeView({ userId: 'U0BENCH', snapshot, snoozed, deliveryErrors: [] });
      });
      const adminList = await timed(runs, () => get('/api/v1/solutions'));
      const adminState = await timed(runs, () => get('/api/v1/solutions?state=unhealthy&limit=100'));
      return {
        n,
        seedMs,
        status: statusT,
        home,
        adminList,
        adminState,
        redisBytesPerSolution: redisBytesPerSolution / n,
        rssMb: process.memoryUsage().rss / 1e6,
      };
    } finally {
      await app.close();
    }
  } finally {
    await cleanupPrefix(redis, ctx.keys.prefix);
    redis.disconnect();
  }
}
