/**
 * Continuous export in the worker process: the `export` queue's consumer (one drain job per solution with
 * entries waiting) and its sweep, a repeating job that queues the drain of every solution whose sender is
 * due and missing (the web or evaluator appended entries, a retry time came, or a job was lost).
 * With export off, nothing runs and the sweep's scheduler is removed.
 */

import { type ConnectionOptions, DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { EXPORT_SWEEP_ID, enqueueExports, parseExportJob, QUEUE } from '../queue/queues.js';
import type { StorageContext } from '../storage/context.js';
import type { OutageLog } from '../storage/outage-log.js';
import { ExportRepository } from './export-repository.js';
import { Exporter } from './exporter.js';
import { signingKey } from './signature.js';

export interface ExportWorkerDeps {
  config: Config;
  ctx: StorageContext;
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  outage: OutageLog;
  logger: Logger;
  now: () => number;
}

export interface RunningExport {
  close(force?: boolean): Promise<void>;
}

export async function startExport(deps: ExportWorkerDeps): Promise<RunningExport> {
  const { config, ctx, logger, now } = deps;
  const queue = new Queue(QUEUE.export, { connection: deps.connection, prefix: ctx.keys.bullPrefix });
  queue.on('error', (err) => deps.outage.error('queue:export', err));
  const settings = config.export;
  if (!settings) {
    await queue.removeJobScheduler(EXPORT_SWEEP_ID);
    await queue.close();
    return { close: async () => undefined };
  }
  const w = config.worker;
  const repo = new ExportRepository(ctx);
  const exporter = new Exporter(
    { repo, logger, now },
    {
      url: settings.url,
      key: signingKey(settings.secret),
      timeoutMs: settings.timeoutMs,
      backoffMs: settings.backoffMs,
      retryForMs: settings.retryForMs,
      leaseMs: settings.timeoutMs + w.lockDuration,
      maxPerRun: 200,
      maxRunMs: Math.max(w.lockDuration / 2, settings.timeoutMs * 2),
    },
  );

  const processJob = async (job: Job, token?: string): Promise<string> => {
    if (job.name === 'sweep') {
      const due = await repo.due(now());
      await enqueueExports(queue, due);
      return `queued ${due.length}`;
    }
    const { solutionId } = parseExportJob(job.data);
    const result = await exporter.drain(solutionId);
    if (result.kind === 'drained') return `drained ${result.sent}`;
    await job.moveToDelayed(Math.max(result.at, Date.now()), token);
    throw new DelayedError();
  };

  const worker = new Worker(QUEUE.export, processJob, {
    connection: deps.connection,
    prefix: ctx.keys.bullPrefix,
    lockDuration: w.lockDuration,
    stalledInterval: w.stalledInterval,
    // One crash must not fail a job: it is recovered as stalled and retried.
    maxStalledCount: 3,
    concurrency: w.concurrency,
  });
  // Entries appended while a drain was finishing found its job still running: queue it again.
  worker.on('completed', (job) => {
    const solutionId = (job.data as { solutionId?: unknown }).solutionId;
    if (job.name !== 'drain' || typeof solutionId !== 'string') return;
    repo
      .isPending(solutionId)
      .then((pending) => (pending ? enqueueExports(queue, [solutionId]) : undefined))
      .catch((err: Error) =>
        logger.warn({ solutionId, err: err.message }, 'could not re-queue an export drain'),
      );
  });
  worker.on('failed', (job, err) => {
    if (job?.name === 'sweep' || err.name === 'DelayedError') return;
    logger.warn({ jobId: job?.id, err: err.message }, 'export drain failed; the sweep queues it again');
  });
  worker.on('error', (err) => deps.outage.error('worker:export', err));

  // Idempotent across processes: every worker upserts the same scheduler id.
  await queue.upsertJobScheduler(
    EXPORT_SWEEP_ID,
    { every: w.tickEvery },
    { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
  );
  logger.info({ url: redactedUrl(settings.url) }, 'continuous export on');

  return {
    close: async (force = false) => {
      if (force) await exporter.releaseHeldLeases();
      await worker.close(force);
      await queue.close();
    },
  };
}

/** The export URL as logged: origin and path, never credentials or a query (which may carry a key). */
function redactedUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
