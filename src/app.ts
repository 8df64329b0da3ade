/**
 * The composition root: builds secsol's parts from the configuration and runs the web part, the
 * worker, or both in one process. Nothing is held only in memory, so any number of each can run
 * against one Redis.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { azureConnectorState, azureGrace } from './connector/azure/azure-connector.js';
import { Authenticator } from './http/auth.js';
import { createMetrics } from './http/metrics.js';
import { RateLimiter } from './http/rate-limiter.js';
import { Router } from './http/router.js';
import { registerAdminRoutes } from './http/routes/admin-routes.js';
import { registerEnrollRoutes } from './http/routes/enroll-routes.js';
import { registerIngestRoutes } from './http/routes/ingest-routes.js';
import { registerProbeRoutes } from './http/routes/probe-routes.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import { openQueues } from './queue/queues.js';
import { DeliveryService } from './services/delivery-service.js';
import { IngestService } from './services/ingest-service.js';
import { SolutionService } from './services/solution-service.js';
import { Approvers } from './slack/approvers.js';
import { approvalRequestMessage } from './slack/blocks/approval-blocks.js';
import { guardedFetch } from './slack/egress.js';
import { registerListeners } from './slack/listeners/index.js';
import { type LocalSlackApi, startLocalSlackApi } from './slack/local-slack-api.js';
import { createSlackApp, type SlackApp } from './slack/slack-app.js';
import { createWebClient } from './slack/web-client.js';
import { AuditRepository } from './storage/audit-repository.js';
import { storageContext } from './storage/context.js';
import { DeliveryRepository } from './storage/delivery-repository.js';
import { EnrollmentRepository } from './storage/enrollment-repository.js';
import { FlipRepository } from './storage/flip-repository.js';
import { INGEST_BEAT_MS, IngestionClock } from './storage/ingestion-clock.js';
import { checkEvictionPolicy, connect, ready } from './storage/redis.js';
import { ReportRepository } from './storage/report-repository.js';
import { SolutionRepository } from './storage/solution-repository.js';
import { type RunningWorker, startWorker } from './worker/worker.js';

export const LOCAL_CHANNEL = 'C0LOCAL';
export const LOCAL_SECRET_FILE = '.secsol/local-signing-secret';

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

/** Slack credentials, or local mode's stand-ins: a loopback Web API and a signing secret on disk. */
async function slackTarget(config: Config, opts: RunOptions) {
  if (!config.slack.local) {
    return {
      token: config.slack.botToken as string,
      signingSecret: config.slack.signingSecret ?? '',
      apiUrl: config.slack.apiUrl,
      local: null as LocalSlackApi | null,
    };
  }
  const local = await startLocalSlackApi(opts.print ?? ((t) => process.stdout.write(`${t}\n`)));
  const signingSecret = randomBytes(24).toString('hex');
  if (opts.web) {
    try {
      mkdirSync('.secsol', { recursive: true });
      writeFileSync(LOCAL_SECRET_FILE, signingSecret, { mode: 0o600 });
      chmodSync(LOCAL_SECRET_FILE, 0o600);
    } catch (err) {
      // A read-only working directory (a container) only costs the `npm run slack` helper its secret.
      opts.logger.warn(
        { err: (err as Error).message },
        'local mode: cannot write the signing secret for npm run slack',
      );
    }
  }
  opts.logger.warn(
    { slackApi: local.url },
    'local mode: no Slack credentials, Slack calls are printed instead of sent (npm run slack -- /secsol status)',
  );
  return { token: 'xoxb-local-mode', signingSecret, apiUrl: local.url, local };
}

export async function run(config: Config, opts: RunOptions): Promise<Running> {
  const { logger } = opts;
  const now = opts.now ?? Date.now;
  if (config.slack.apiUrl)
    logger.info({ slackApiUrl: config.slack.apiUrl }, 'Slack Web API base URL overridden');

  const redis = connect(config.redisUrl, opts.web ? 'request' : 'default', logger);
  const bullConnection = connect(config.redisUrl, 'worker', logger);
  await ready(redis);
  let eviction: 'ok' | 'unknown' = await checkEvictionPolicy(redis);
  if (eviction === 'unknown')
    logger.warn('cannot read Redis maxmemory-policy (CONFIG disabled?): make sure it is noeviction');

  const ctx = storageContext(redis, config.keyPrefix);
  const queues = openQueues(bullConnection, ctx.keys.bullPrefix, logger);
  const solutions = new SolutionRepository(ctx);
  const flips = new FlipRepository(ctx);
  const reports = new ReportRepository(ctx);
  const audit = new AuditRepository(ctx);
  const delivery = new DeliveryRepository(ctx);
  const enrollments = new EnrollmentRepository(ctx);
  const ingestion = new IngestionClock(ctx);
  const reportingSince = (at: number) => ingestion.upSince(at);
  // The Defender for Cloud connector's state, read by every process (grace, /metrics, App Home).
  const azureSince = azureGrace(config, ctx);
  const azureState = config.azure ? azureConnectorState(ctx, config.azure.pollEvery) : undefined;
  const target = await slackTarget(config, opts);
  const slackClient = createWebClient(
    { token: target.token, apiUrl: target.apiUrl, timeoutMs: config.slack.timeoutMs },
    logger.child({ part: 'slack' }),
  );
  const defaultChannel = config.alertChannel ?? LOCAL_CHANNEL;
  const approvalChannel = config.approvalChannel ?? defaultChannel;
  const w = config.worker;

  const service = new SolutionService({
    solutions,
    enrollments,
    audit,
    delivery,
    deliverQueue: queues.deliver,
    approvalChannel,
    defaults: config.health,
    alertAttempts: w.alertAttempts,
    alertBackoffMs: w.alertBackoff,
    now,
    onDecision: async (enrollment) => {
      // Show the decision in the request message wherever it was decided (Slack or the admin API).
      if (!enrollment.requestChannel || !enrollment.requestTs || !enrollment.decidedBy) return;
      const rec = await solutions.get(enrollment.solutionId);
      if (!rec) return;
      const message = approvalRequestMessage({
        enrollmentId: enrollment.id,
        solution: rec.solution,
        requestedBy: enrollment.requestedBy,
        requestedAt: enrollment.createdAt,
        decision: {
          status: enrollment.status === 'denied' ? 'denied' : 'approved',
          by: enrollment.decidedBy,
          at: enrollment.decidedAt ?? now(),
        },
      });
      await slackClient.chat
        .update({
          channel: enrollment.requestChannel,
          ts: enrollment.requestTs,
          text: message.text,
          blocks: message.blocks,
        })
        .catch((err: Error) =>
          logger.warn({ err: err.message }, 'could not update the approval request message'),
        );
    },
  });

  let worker: RunningWorker | null = null;
  // In one process, the worker gets its own connection: it may wait out a Redis outage, requests may not.
  const workerRedis = opts.worker && opts.web ? connect(config.redisUrl, 'default', logger) : null;
  if (opts.worker) {
    worker = await startWorker({
      config,
      ctx: workerRedis ? storageContext(workerRedis, config.keyPrefix) : ctx,
      connection: bullConnection,
      deliverQueue: queues.deliver,
      evaluateQueue: queues.evaluate,
      slack: slackClient,
      defaultChannel,
      logger: logger.child({ role: 'worker' }),
      now,
    });
  }

  let server: Server | null = null;
  let slackApp: SlackApp | null = null;
  let draining = false;
  if (opts.web) {
    const limiter = new RateLimiter(ctx, 60_000);
    const auth = new Authenticator(solutions, limiter, now);
    const ingest = new IngestService({
      solutions,
      reports,
      delivery,
      deliverQueue: queues.deliver,
      defaultChannel,
      minSeverity: config.eventMinSeverity,
      alertAttempts: w.alertAttempts,
      alertBackoffMs: w.alertBackoff,
      now,
    });
    const metrics = createMetrics({
      ctx,
      queues: [queues.deliver, queues.evaluate],
      now,
      connectors: azureState ? { azure: azureState } : {},
    });
    const router = new Router();
    registerProbeRoutes(router, {
      ctx,
      metrics,
      heartbeatStaleMs: w.heartbeatStale,
      now,
      evictionPolicy: () => eviction,
      draining: () => draining,
    });
    registerEnrollRoutes(router, { auth, service, enrollmentKey: config.enrollmentKey });
    registerIngestRoutes(router, { auth, limiter, ingest, ratePerMinute: config.rateLimitPerMinute, now });
    registerAdminRoutes(router, {
      auth,
      service,
      solutions,
      flips,
      adminToken: config.adminToken,
      defaults: config.health,
      now,
      reportingSince,
      azureSince,
      deliveries: new DeliveryService({
        delivery,
        audit,
        deliverQueue: queues.deliver,
        alertAttempts: w.alertAttempts,
        alertBackoffMs: w.alertBackoff,
        now,
      }),
    });
    slackApp = await createSlackApp({
      botToken: target.token,
      signingSecret: target.signingSecret,
      appToken: config.slack.appToken,
      apiUrl: target.apiUrl,
      timeoutMs: config.slack.timeoutMs,
      logger,
      now,
      fetch: guardedFetch(target.local ? { slack: { ...config.slack, apiUrl: target.apiUrl } } : config),
    });
    // Also a boot check: a revoked or wrong bot token stops the start here, loudly.
    const identity = await slackClient.auth.test();
    registerListeners(slackApp.app, {
      teamId: identity.team_id,
      config,
      ctx,
      solutions,
      flips,
      reports,
      audit,
      delivery,
      enrollments,
      service,
      defaults: config.health,
      defaultChannel,
      reportingSince,
      azureSince,
      azureState,
      approvers: new Approvers(config.approvers, slackClient, logger.child({ part: 'approvers' }), now),
      logger: logger.child({ part: 'slack' }),
      now,
    });
    await slackApp.start();
    server = createHttpServer({
      router,
      logger,
      metrics,
      slack: slackApp.handler,
      storageDown: () => redis.status !== 'ready',
      draining: () => draining,
    });
    await new Promise<void>((resolve) => server?.listen(config.port, resolve));
    eviction = await checkEvictionPolicy(redis).catch(() => eviction);
  }
  // The web side's heartbeat: after a gap (no web process could receive reports), the health rules give
  // every solution a fresh cadence from the moment reports can arrive again.
  let beat: NodeJS.Timeout | null = null;
  if (opts.web) {
    const beatOnce = () =>
      ingestion
        .beat(now())
        .catch((err: Error) => logger.debug({ err: err.message }, 'ingestion heartbeat failed'));
    await beatOnce();
    beat = setInterval(beatOnce, INGEST_BEAT_MS);
    beat.unref();
  }
  const port = server ? (server.address() as AddressInfo).port : null;
  logger.info({ port, web: opts.web, worker: opts.worker, local: config.slack.local }, 'secsol started');

  return {
    port,
    close: async () => {
      // Stop taking work first, then finish what is in flight within the budget, then disconnect.
      draining = true;
      if (beat) clearInterval(beat);
      const budget = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), config.shutdownBudget).unref(),
      );
      const closeServer = server
        ? new Promise<void>((resolve) => {
            server?.close(() => resolve());
            server?.closeIdleConnections();
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
        redis.disconnect();
        workerRedis?.disconnect();
        bullConnection.disconnect();
        await target.local?.close();
        return;
      }
      await queues.close();
      await target.local?.close();
      redis.disconnect();
      workerRedis?.disconnect();
      bullConnection.disconnect();
    },
  };
}
