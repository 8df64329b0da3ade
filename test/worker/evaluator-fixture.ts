/**
 * An Evaluator on the real Redis under a test prefix, with its own deliver queue, for tests that drive
 * ticks by hand with an explicit `now`. Everything is cleaned up by `cleanup()`.
 */
import { Queue } from 'bullmq';
import type { HealthPolicy } from '../../src/domain/health.js';
import { createLogger } from '../../src/logger.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { Evaluator, type EvaluatorDeps } from '../../src/worker/evaluator.js';
import { cleanupPrefix, testRedis } from '../harness/redis.js';

export interface EvaluatorFixture {
  ctx: StorageContext;
  queue: Queue;
  evaluator(overrides?: Partial<EvaluatorDeps>): Evaluator;
  cleanup(): Promise<void>;
}

export function evaluatorFixture(prefix: string, policy: HealthPolicy): EvaluatorFixture {
  const redis = testRedis();
  const ctx = storageContext(redis, prefix);
  const queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  return {
    ctx,
    queue,
    evaluator: (overrides = {}) =>
      new Evaluator({
        ctx,
        solutions: new SolutionRepository(ctx),
        flips: new FlipRepository(ctx),
        outbox: new Outbox({
          delivery: new DeliveryRepository(ctx),
          keys: ctx.keys,
          queue,
          policy: { attempts: 1, backoffMs: 100 },
          now: Date.now,
        }),
        defaults: policy,
        defaultChannel: 'C0TEST',
        heartbeatStaleMs: 3_600_000,
        logger: createLogger('silent'),
        ...overrides,
      }),
    cleanup: async () => {
      await queue.close();
      await cleanupPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** A connected solution whose one healthy report arrived at `t0`. */
export async function reportedOnceAt(ctx: StorageContext, id: string, t0: number): Promise<void> {
  await new SolutionRepository(ctx).create(
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
