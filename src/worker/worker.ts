/**
 * The worker process's wiring: the evaluation scheduler and tick consumer, and the delivery consumer.
 */

import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { type ConnectionOptions, type Job, type Queue, Worker } from 'bullmq';
import type { Config } from '../config/config.js';
import {
  azureGrace,
  type RunningConnector,
  startAzureConnector,
} from '../connector/azure/azure-connector.js';
import { formatDuration } from '../domain/duration.js';
import type { Logger } from '../logger.js';
import { enqueueDelivery, QUEUE, TICK_SCHEDULER_ID } from '../queue/queues.js';
import { IngestService } from '../services/ingest-service.js';
import { AuditRepository } from '../storage/audit-repository.js';
import type { StorageContext } from '../storage/context.js';
import { DeliveryRepository } from '../storage/delivery-repository.js';
import { EnrollmentRepository } from '../storage/enrollment-repository.js';
import { FlipRepository } from '../storage/flip-repository.js';
import { IngestionClock } from '../storage/ingestion-clock.js';
import { ReportRepository } from '../storage/report-repository.js';
import { SolutionRepository } from '../storage/solution-repository.js';
import { Deliverer } from './deliverer.js';
import { Evaluator } from './evaluator.js';
import { Faults } from './faults.js';
import { SlackPoster } from './slack-poster.js';

export interface WorkerDeps {
  config: Config;
  ctx: StorageContext;
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  deliverQueue: Queue;
  evaluateQueue: Queue;
  slack: WebClient;
  defaultChannel: string;
  logger: Logger;
  now?: () => number;
}

export interface RunningWorker {
  evaluator: Evaluator;
  deliverer: Deliverer;
  close(force?: boolean): Promise<void>;
}

export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, ctx, logger } = deps;
  const now = deps.now ?? Date.now;
  const solutions = new SolutionRepository(ctx);
  const flips = new FlipRepository(ctx);
  const delivery = new DeliveryRepository(ctx);
  const enrollments = new EnrollmentRepository(ctx);
  const ingestion = new IngestionClock(ctx);
  const faults = new Faults(config.faults, ctx.redis, ctx.keys);
  const poster = new SlackPoster(deps.slack, delivery, faults, logger.child({ part: 'poster' }));
  const w = config.worker;

  const evaluator = new Evaluator({
    ctx,
    solutions,
    flips,
    delivery,
    deliverQueue: deps.deliverQueue,
    defaults: config.health,
    defaultChannel: deps.defaultChannel,
    alertAttempts: w.alertAttempts,
    alertBackoffMs: w.alertBackoff,
    heartbeatStaleMs: w.heartbeatStale,
    logger: logger.child({ part: 'evaluator' }),
    reportingSince: (at) => ingestion.upSince(at),
    azureSince: azureGrace(config, ctx),
    remindEveryMs: w.remindEvery,
    onLate: async (gapMs, at) => {
      const itemId = `ops-late-${at}`;
      await delivery.createItem(
        itemId,
        deps.defaultChannel,
        { text: `health evaluation had stopped for ${formatDuration(gapMs)} and is running again` },
        at,
        7 * 86_400_000,
      );
      await enqueueDelivery(deps.deliverQueue, itemId, w.alertAttempts, w.alertBackoff);
    },
  });

  const bullOpts = {
    connection: deps.connection,
    prefix: ctx.keys.bullPrefix,
    lockDuration: w.lockDuration,
    stalledInterval: w.stalledInterval,
    // One crash must not fail a job: it is recovered as stalled and retried.
    maxStalledCount: 3,
  };

  let deliverWorker: Worker | null = null;
  const deliverer = new Deliverer(
    {
      solutions,
      flips,
      delivery,
      enrollments,
      poster,
      logger: logger.child({ part: 'deliverer' }),
      now,
      rateLimit: async (ms) => {
        await deliverWorker?.rateLimit(ms);
      },
      rateLimitError: () => Worker.RateLimitError(),
    },
    {
      leaseMs: Math.max(w.lockDuration, config.slack.timeoutMs * 2),
      paceMs: 1000,
      digestThreshold: w.digestThreshold,
      digestWindowMs: w.digestWindow,
      digestEditEveryMs: Math.min(5000, w.digestWindow),
      flapWindowMs: w.flapWindow,
      remindEveryMs: w.remindEvery,
    },
  );

  deliverWorker = new Worker(QUEUE.deliver, (job: Job, token?: string) => deliverer.process(job, token), {
    ...bullOpts,
    concurrency: w.concurrency,
  });
  deliverWorker.on('failed', async (job, err) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    if (!final || err.name === 'UnrecoverableError') return; // unrecoverable ones were recorded already
    try {
      const item = await delivery.getItem(job.id as string);
      if (item?.channel)
        await deliverer.recordFailure(job.id as string, item.channel, `gave up: ${err.message}`);
    } catch (e) {
      logger.error({ err: e, jobId: job.id }, 'could not record a failed delivery');
    }
  });
  deliverWorker.on('error', (err) => logger.warn({ err: err.message }, 'deliver worker error'));

  const tickWorker = new Worker(
    QUEUE.evaluate,
    async () => {
      // Drain what is due now, but hand the lock back well before it could expire.
      const started = Date.now();
      let total = 0;
      for (;;) {
        const result = await evaluator.tick(now());
        total += result.evaluated;
        if (!result.more || Date.now() - started > w.lockDuration / 3) break;
      }
      return total;
    },
    { ...bullOpts, concurrency: 1 },
  );
  tickWorker.on('error', (err) => logger.warn({ err: err.message }, 'evaluate worker error'));

  // Idempotent across processes: every worker upserts the same scheduler id.
  await deps.evaluateQueue.upsertJobScheduler(
    TICK_SCHEDULER_ID,
    { every: w.tickEvery },
    { name: 'tick', opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
  );
  logger.info({ tickEvery: w.tickEvery, concurrency: w.concurrency }, 'worker started');

  // ---- Defender for Cloud connector: on when the four AZURE_* variables are set (src/connector/azure/). ----
  // Its reports and alerts take the ingest path a pushed report takes; its operator notices ("failing",
  // "recovered") go to the default channel through the outbox like the late-evaluation notice above.
  let azure: RunningConnector | null = null;
  if (config.azure) {
    azure = await startAzureConnector({
      settings: config.azure,
      ctx,
      connection: deps.connection,
      solutions,
      audit: new AuditRepository(ctx),
      ingest: new IngestService({
        solutions,
        reports: new ReportRepository(ctx),
        delivery,
        deliverQueue: deps.deliverQueue,
        defaultChannel: deps.defaultChannel,
        minSeverity: config.eventMinSeverity,
        alertAttempts: w.alertAttempts,
        alertBackoffMs: w.alertBackoff,
        now,
      }),
      notify: async (text) => {
        const at = now();
        const itemId = `ops-azure-${at}-${randomBytes(3).toString('hex')}`;
        await delivery.createItem(itemId, deps.defaultChannel, { text }, at, 7 * 86_400_000);
        await enqueueDelivery(deps.deliverQueue, itemId, w.alertAttempts, w.alertBackoff);
      },
      logger,
      lockDuration: w.lockDuration,
      stalledInterval: w.stalledInterval,
      now,
    });
  }
  // ---- end of the Defender for Cloud connector ----

  return {
    evaluator,
    deliverer,
    close: async (force = false) => {
      if (force) await deliverer.releaseHeldLeases();
      await Promise.all([tickWorker.close(force), deliverWorker?.close(force), azure?.close()]);
    },
  };
}
