/**
 * The worker's wiring: the evaluation scheduler and tick consumer, and the delivery consumer, on the
 * parts the composition root built.
 */

import { randomBytes } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { type ConnectionOptions, type Job, type Queue, Worker } from 'bullmq';
import type { Config } from '../config/config.js';
import { type RunningConnector, startAzureConnector } from '../connector/azure/azure-connector.js';
import { formatDuration } from '../domain/duration.js';
import { startExport } from '../export/export-worker.js';
import type { Logger } from '../logger.js';
import { Deliverer } from '../outbox/deliverer.js';
import { SlackPoster } from '../outbox/slack-poster.js';
import type { Parts } from '../parts.js';
import { QUEUE, TICK_SCHEDULER_ID } from '../queue/queues.js';
import { DigestRepository } from '../storage/digest-repository.js';
import type { OutageLog } from '../storage/outage-log.js';
import { Evaluator } from './evaluator.js';
import { Faults } from './faults.js';
import { rescoreOnPolicyChange } from './policy-rescore.js';
import { startTickWatchdog } from './tick-watchdog.js';

export interface WorkerDeps {
  config: Config;
  /** The parts built by the composition root, on the worker's own connection. */
  parts: Parts;
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  /** Where Redis connection errors go: one line per outage (storage/outage-log.ts). */
  outage: OutageLog;
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
  const { config, parts, logger } = deps;
  const { ctx, outbox, incidents } = parts;
  const { solutions, flips, reports, delivery, enrollments } = parts.repositories;
  const now = deps.now ?? Date.now;
  const faults = new Faults(config.faults, ctx.redis, ctx.keys);
  const poster = new SlackPoster(deps.slack, delivery, faults, logger.child({ part: 'poster' }));
  const w = config.worker;

  const evaluator = new Evaluator({
    ctx,
    solutions,
    flips,
    outbox,
    incidents,
    scheduled: parts.routing.scheduled,
    defaults: config.health,
    defaultChannel: deps.defaultChannel,
    heartbeatStaleMs: w.heartbeatStale,
    logger: logger.child({ part: 'evaluator' }),
    reportingSince: parts.reportingSince,
    azureSince: parts.azureSince,
    onLate: (gapMs, at) =>
      outbox.add(
        'ops',
        {
          id: `ops-late-${at}`,
          channel: deps.defaultChannel,
          fields: { text: `health evaluation had stopped for ${formatDuration(gapMs)} and is running again` },
        },
        at,
      ),
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
      pipeline: {
        solutions,
        flips,
        reports,
        enrollments,
        delivery,
        digests: new DigestRepository(ctx),
        incidents,
        outbox,
        poster,
        maintenance: parts.routing.maintenance,
        now,
        opts: {
          digestThreshold: w.digestThreshold,
          digestWindowMs: w.digestWindow,
          digestEditEveryMs: Math.min(5000, w.digestWindow),
          flapWindowMs: w.flapWindow,
        },
      },
      logger: logger.child({ part: 'deliverer' }),
      rateLimit: async (ms) => {
        await deliverWorker?.rateLimit(ms);
      },
      rateLimitError: () => Worker.RateLimitError(),
    },
    { leaseMs: Math.max(w.lockDuration, config.slack.timeoutMs * 2), paceMs: 1000 },
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
      await deliverer.gaveUp(job, err);
    } catch (e) {
      logger.error({ err: e, jobId: job.id }, 'could not record a failed delivery');
    }
  });
  deliverWorker.on('error', (err) => deps.outage.error('worker:deliver', err));

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
  tickWorker.on('error', (err) => deps.outage.error('worker:evaluate', err));

  // Idempotent across processes: every worker upserts the same scheduler id.
  const scheduleTicks = () =>
    deps.evaluateQueue.upsertJobScheduler(
      TICK_SCHEDULER_ID,
      { every: w.tickEvery },
      { name: 'tick', opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
    );
  // Deadlines computed under other defaults (a restart with a changed cadence) are judged again now.
  await rescoreOnPolicyChange(ctx, config.health, now(), logger);
  await scheduleTicks();
  const watchdog = startTickWatchdog({
    ctx,
    tickEveryMs: w.tickEvery,
    reschedule: async () => {
      await deps.evaluateQueue.removeJobScheduler(TICK_SCHEDULER_ID);
      await scheduleTicks();
    },
    logger,
  });

  // --- Continuous export to a SIEM (src/export/): its own queue, consumer and sweep; off without a URL.
  const exporter = await startExport({
    config,
    ctx,
    connection: deps.connection,
    outage: deps.outage,
    logger: logger.child({ part: 'export' }),
    now,
  });

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
      audit: parts.repositories.audit,
      ingest: parts.ingest,
      notify: async (text) => {
        const at = now();
        await outbox.add('ops', {
          id: `ops-azure-${at}-${randomBytes(3).toString('hex')}`,
          channel: deps.defaultChannel,
          fields: { text },
        });
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
      watchdog.stop();
      if (force) await deliverer.releaseHeldLeases();
      await Promise.all([
        tickWorker.close(force),
        deliverWorker?.close(force),
        exporter.close(force),
        azure?.close(),
      ]);
    },
  };
}
