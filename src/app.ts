/**
 * The composition root: builds secsol's parts once from the configuration and runs the web part, the
 * worker, or both in one process, then stops them within the shutdown budget. Nothing is held only in
 * memory, so any number of each can run against one Redis.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import type { Logger } from './logger.js';
import { buildParts } from './parts.js';
import { openQueues } from './queue/queues.js';
import { LOCAL_CHANNEL, slackTarget } from './slack/local-mode.js';
import type { SlackApp } from './slack/slack-app.js';
import { createWebClient } from './slack/web-client.js';
import { storageContext } from './storage/context.js';
import { OutageLog } from './storage/outage-log.js';
import { checkEvictionPolicy, connect, ready } from './storage/redis.js';
import { type RunningWeb, startWeb } from './web.js';
import { type RunningWorker, startWorker } from './worker/worker.js';

export { LOCAL_CHANNEL, LOCAL_SECRET_FILE } from './slack/local-mode.js';
/** secsol's version (package.json's, kept in step by test/http/openapi.test.ts). */
export const VERSION = '0.1.0';

export interface RunOptions {
  web: boolean;
  worker: boolean;
  logger: Logger;
  now?: () => number;
  /** Where local mode prints the Slack calls it would make. */
  print?: (text: string) => void;
}

export interface Running {
  port: number | null;
  close(): Promise<void>;
}

export async function run(config: Config, opts: RunOptions): Promise<Running> {
  const { logger } = opts;
  const now = opts.now ?? Date.now;
  if (config.slack.apiUrl)
    logger.info({ slackApiUrl: config.slack.apiUrl }, 'Slack Web API base URL overridden');

  const outage = new OutageLog(logger);
  const redis = connect(config.redis, opts.web ? 'request' : 'default', outage);
  const bullConnection = connect(config.redis, 'worker', outage);
  await ready(redis);
  let eviction: 'ok' | 'unknown' = await checkEvictionPolicy(redis);
  if (eviction === 'unknown')
    logger.warn('cannot read Redis maxmemory-policy (CONFIG disabled?): make sure it is noeviction');

  // With export on, the commit scripts also append every flip and event to the export lists; the event
  // budget bounds the bytes of events each solution keeps.
  const storageOpts = { exportEnabled: config.export !== undefined, eventBudget: config.eventBudget };
  const ctx = storageContext(redis, config.keyPrefix, storageOpts);
  const queues = openQueues(bullConnection, ctx.keys.bullPrefix, outage);
  const target = await slackTarget(config, { web: opts.web, logger, redis, print: opts.print });
  const slackClient = createWebClient(
    { token: target.token, apiUrl: target.apiUrl, timeoutMs: config.slack.timeoutMs },
    logger.child({ part: 'slack' }),
  );
  const defaultChannel = config.alertChannel ?? LOCAL_CHANNEL;
  const partsOn = (on: typeof ctx) =>
    buildParts(on, {
      config,
      deliverQueue: queues.deliver,
      exportQueue: queues.export,
      defaultChannel,
      logger,
      now,
    });
  const parts = partsOn(ctx);

  let worker: RunningWorker | null = null;
  // In one process, the worker gets its own connection (and its parts on it): it may wait out a Redis
  // outage, requests may not.
  const workerRedis = opts.worker && opts.web ? connect(config.redis, 'default', outage) : null;
  // A web process that starts says so before anything is evaluated: whatever silence came before, reports
  // can arrive from now, so the worker in this process does not flag solutions for secsol's own downtime.
  if (opts.web) await parts.repositories.ingestion.beat(now(), { starting: true });
  if (opts.worker) {
    worker = await startWorker({
      config,
      parts: workerRedis ? partsOn(storageContext(workerRedis, config.keyPrefix, storageOpts)) : parts,
      connection: bullConnection,
      outage,
      evaluateQueue: queues.evaluate,
      slack: slackClient,
      defaultChannel,
      logger: logger.child({ role: 'worker' }),
      now,
    });
  }

  let web: RunningWeb | null = null;
  let draining = false;
  if (opts.web) {
    web = await startWeb({
      config,
      parts,
      queues: [queues.deliver, queues.evaluate, queues.export],
      target,
      slackClient,
      defaultChannel,
      logger,
      now,
      evictionPolicy: () => eviction,
      draining: () => draining,
      version: VERSION,
    });
    eviction = await checkEvictionPolicy(redis).catch(() => eviction);
  }
  const server: Server | null = web?.server ?? null;
  const slackApp: SlackApp | null = web?.slackApp ?? null;
  const port = server ? (server.address() as AddressInfo).port : null;
  logger.info({ port, web: opts.web, worker: opts.worker, local: config.slack.local }, 'secsol started');

  const disconnect = () => {
    redis.disconnect();
    workerRedis?.disconnect();
    bullConnection.disconnect();
  };
  return {
    port,
    close: async () => {
      // Stop taking work first, then finish what is in flight within the budget, then disconnect.
      draining = true;
      web?.stopBeat();
      const budget = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), config.shutdownBudget).unref(),
      );
      const closeServer = server
        ? new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          })
        : Promise.resolve();
      const graceful = Promise.all([worker?.close(), closeServer, slackApp?.stop()]);
      if ((await Promise.race([graceful, budget])) === 'timeout') {
        logger.warn('shutdown budget exceeded; leaving in-flight jobs to stall recovery on another worker');
        // BullMQ hands a second close() the first one's promise, which waits for the stuck job: give the
        // forced close a moment, then go regardless (the job's lock expires and another worker retries it).
        server?.closeAllConnections();
        await Promise.race([
          worker?.close(true),
          new Promise((resolve) => setTimeout(resolve, 1000).unref()),
        ]);
        disconnect();
        await target.local?.close();
        return;
      }
      await queues.close();
      await target.local?.close();
      disconnect();
    },
  };
}
