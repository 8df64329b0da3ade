/**
 * The evaluator's cost as the number of solutions grows, against the local Redis:
 * - tick, nothing due: what one evaluation tick costs when no solution changed (the common case);
 * - tick, 100 due: the same with 100 solutions that just reported;
 * - full sweep: every solution due at once (after an outage), per solution;
 * - full scan: loading every solution and judging it now (what the status page did before the read model).
 */

import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { evaluate, policyFor } from '../src/domain/health.js';
import { createLogger } from '../src/logger.js';
import { Outbox } from '../src/outbox/outbox.js';
import { storageContext } from '../src/storage/context.js';
import { DeliveryRepository } from '../src/storage/delivery-repository.js';
import { FlipRepository } from '../src/storage/flip-repository.js';
import { OutageLog } from '../src/storage/outage-log.js';
import { connect } from '../src/storage/redis.js';
import { SolutionRepository } from '../src/storage/solution-repository.js';
import { Evaluator } from '../src/worker/evaluator.js';
import { seed } from './seed.js';
import { cleanupPrefix, ms, REDIS_URL } from './util.js';

const logger = createLogger('silent');
const policy = { every: 3_600_000, grace: 900_000, silenceWindow: 14 * 86_400_000, unhealthyThreshold: 1 };

export async function evaluation(n: number) {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  // The bench runs against one server (REDIS_URL), never a cluster.
  const redis = connect({ kind: 'server', url: REDIS_URL }, 'default', new OutageLog(logger)) as Redis;
  const ctx = storageContext(redis, prefix);
  const queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  const now = Date.now();
  try {
    let t = process.hrtime.bigint();
    await seed(ctx, n, now, policy);
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
    await cleanupPrefix(redis, ctx.keys.prefix);
    redis.disconnect();
  }
}
