/**
 * The web part's wiring: the HTTP API's routes, the Slack app with its listeners, and the ingestion
 * heartbeat, on the parts the composition root built. Listeners get services, never Redis.
 */
import type { Server } from 'node:http';
import type { WebClient } from '@slack/web-api';
import type { Queue } from 'bullmq';
import type { Config } from './config/config.js';
import { parseTrustedProxies } from './config/trusted-proxies.js';
import { ExportRepository } from './export/export-repository.js';
import { Authenticator } from './http/auth.js';
import { createMetrics } from './http/metrics.js';
import { checkDocumented } from './http/openapi.js';
import { RateLimiter } from './http/rate-limiter.js';
import { Router } from './http/router.js';
import { registerAdminRoutes } from './http/routes/admin-routes.js';
import { registerAuditRoutes } from './http/routes/audit-routes.js';
import { registerEnrollRoutes } from './http/routes/enroll-routes.js';
import { registerIngestRoutes } from './http/routes/ingest-routes.js';
import { registerMaintenanceRoutes } from './http/routes/maintenance-routes.js';
import { registerProbeRoutes } from './http/routes/probe-routes.js';
import { createHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import type { Parts } from './parts.js';
import { Approvers } from './slack/approvers.js';
import { guardedFetch } from './slack/egress.js';
import { registerListeners } from './slack/listeners/index.js';
import type { SlackTarget } from './slack/local-mode.js';
import { createSlackApp, type SlackApp } from './slack/slack-app.js';

export interface WebOptions {
  config: Config;
  parts: Parts;
  queues: Queue[];
  target: SlackTarget;
  slackClient: WebClient;
  defaultChannel: string;
  logger: Logger;
  now: () => number;
  evictionPolicy: () => 'ok' | 'unknown';
  draining: () => boolean;
  /** secsol's version, shown in the OpenAPI document. */
  version: string;
}

export interface RunningWeb {
  server: Server;
  slackApp: SlackApp;
  stopBeat(): void;
}

function routes(o: WebOptions) {
  const { config, parts, now } = o;
  const { ctx } = parts;
  const { solutions, flips } = parts.repositories;
  const limiter = new RateLimiter(ctx, 60_000);
  const auth = new Authenticator(
    solutions,
    limiter,
    now,
    parseTrustedProxies(config.trustedProxies.join(',')),
  );
  const metrics = createMetrics({
    ctx,
    queues: o.queues,
    now,
    outbox: { sizes: () => parts.outbox.sizes(), finished: () => parts.outbox.finished() },
    connectors: parts.azureState ? { azure: parts.azureState } : {},
    solutionTotals: () => parts.status.totals(),
  });
  const router = new Router();
  registerProbeRoutes(router, {
    ctx,
    metrics,
    heartbeatStaleMs: config.worker.heartbeatStale,
    now,
    evictionPolicy: o.evictionPolicy,
    draining: o.draining,
    version: o.version,
  });
  registerEnrollRoutes(router, {
    auth,
    service: parts.solutions,
    requests: parts.requests,
    enrollmentKey: config.enrollmentKey,
    enrollments: parts.repositories.enrollments,
    limiter,
    bounds: config.enrollment,
    now,
  });
  registerIngestRoutes(router, {
    auth,
    limiter,
    ingest: parts.ingest,
    ratePerMinute: config.rateLimitPerMinute,
    now,
  });
  registerAdminRoutes(router, {
    auth,
    service: parts.solutions,
    requests: parts.requests,
    solutions,
    flips,
    adminToken: config.adminToken,
    defaults: config.health,
    now,
    reportingSince: parts.reportingSince,
    azureSince: parts.azureSince,
    deliveries: parts.deliveries,
    availability: parts.availability,
    status: parts.status,
  });
  registerMaintenanceRoutes(router, {
    auth,
    adminToken: config.adminToken,
    maintenance: parts.routing.maintenance,
    now,
  });
  registerAuditRoutes(router, { auth, audit: parts.repositories.audit, adminToken: config.adminToken });
  // Every route is described in the OpenAPI document, and every description has its route.
  checkDocumented(router.list());
  return { router, metrics };
}

export async function startWeb(o: WebOptions): Promise<RunningWeb> {
  const { config, parts, target, logger, now } = o;
  // In local mode the loopback Slack (Web API and response_urls) is the only place secsol sends to.
  const slackConfig: Config = target.local
    ? { ...config, slack: { ...config.slack, apiUrl: target.apiUrl } }
    : config;
  const { router, metrics } = routes(o);
  const slackApp = await createSlackApp({
    botToken: target.token,
    signingSecret: target.signingSecret,
    appToken: config.slack.appToken,
    apiUrl: target.apiUrl,
    timeoutMs: config.slack.timeoutMs,
    logger,
    now,
    fetch: guardedFetch(slackConfig),
  });
  const approvers = new Approvers(config.approvers, o.slackClient, logger.child({ part: 'approvers' }), now);
  // Also a boot check: a revoked or wrong bot token stops the start here, loudly.
  const identity = await o.slackClient.auth.test();
  registerListeners(slackApp.app, {
    teamId: identity.team_id,
    appId: config.slack.appId,
    config: slackConfig,
    solutions: parts.solutions,
    requests: parts.requests,
    status: parts.status,
    incidents: parts.incidents,
    availability: parts.availability,
    maintenance: parts.routing.maintenance,
    deliveries: parts.deliveries,
    slackEvents: parts.slackEvents,
    defaults: config.health,
    defaultChannel: o.defaultChannel,
    approvers,
    snoozers:
      config.snoozers === 'anyone'
        ? undefined
        : config.snoozers === 'approvers'
          ? approvers
          : new Approvers(config.snoozers, o.slackClient, logger.child({ part: 'snoozers' }), now),
    azureState: parts.azureState,
    exportSummary: config.export ? () => new ExportRepository(parts.ctx).summary() : undefined,
    logger: logger.child({ part: 'slack' }),
    now,
  });
  await slackApp.start();
  const server = createHttpServer({
    router,
    logger,
    metrics,
    slack: slackApp.handler,
    storageDown: () => parts.ctx.redis.status !== 'ready',
    draining: o.draining,
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));

  // The web side's heartbeat: after a gap (no web process could receive reports), the health rules give
  // every solution a fresh cadence from the moment reports can arrive again.
  const { ingestion } = parts.repositories;
  const beatOnce = (starting = false) =>
    ingestion
      .beat(now(), { starting })
      .catch((err: Error) => logger.debug({ err: err.message }, 'ingestion heartbeat failed'));
  await beatOnce(true);
  // Data an earlier secsol wrote gets the records this one keeps (once per deployment, then marked done).
  // Redis down now is not fatal: the first request that needs them builds them.
  const { solutions, enrollments } = parts.repositories;
  await Promise.all([solutions.ensureIdentities(), enrollments.ensurePendingIndexed()]).catch((err: Error) =>
    logger.warn(
      { err: err.message },
      'could not index earlier data yet; the first request that needs it will',
    ),
  );
  const beat = setInterval(beatOnce, ingestion.timing.beatMs);
  beat.unref();
  return { server, slackApp, stopBeat: () => clearInterval(beat) };
}
