/**
 * secsol's parts on one Redis connection, each built once: the repositories, the outbox, and the
 * services that HTTP, Slack and the worker share (one StatusService, one IncidentService…). The
 * composition root (app.ts) builds them and hands them out; nothing else constructs a repository.
 */
import type { Queue } from 'bullmq';
import type { Config } from './config/config.js';
import { azureConnectorState, azureGrace } from './connector/azure/azure-connector.js';
import { exportRedrive } from './export/export-redrive.js';
import { ExportRepository } from './export/export-repository.js';
import type { Logger } from './logger.js';
import { Outbox } from './outbox/outbox.js';
import { enqueueExports } from './queue/queues.js';
import { ConnectionRequests } from './services/connection-requests.js';
import { DeliveryService } from './services/delivery-service.js';
import { IncidentService } from './services/incident-service.js';
import { IngestService } from './services/ingest-service.js';
import { buildRouting } from './services/routing.js';
import { SolutionService } from './services/solution-service.js';
import { StatusService } from './services/status-service.js';
import { AuditRepository } from './storage/audit-repository.js';
import type { StorageContext } from './storage/context.js';
import { DeliveryRepository } from './storage/delivery-repository.js';
import { EnrollmentRepository } from './storage/enrollment-repository.js';
import { FlipRepository } from './storage/flip-repository.js';
import { IngestionClock, ingestionTiming } from './storage/ingestion-clock.js';
import { ReportRepository } from './storage/report-repository.js';
import { SlackEventLog } from './storage/slack-event-log.js';
import { SolutionRepository } from './storage/solution-repository.js';
import { StatusIndex } from './storage/status-index.js';

export interface PartsOptions {
  config: Config;
  deliverQueue: Queue;
  /** The continuous-export queue (drains are queued on ingest and re-driven from the failed list). */
  exportQueue: Queue;
  defaultChannel: string;
  logger: Logger;
  now: () => number;
}

export type Parts = ReturnType<typeof buildParts>;

export function buildParts(ctx: StorageContext, opts: PartsOptions) {
  const { config, now } = opts;
  const solutions = new SolutionRepository(ctx);
  const flips = new FlipRepository(ctx);
  const reports = new ReportRepository(ctx);
  const audit = new AuditRepository(ctx);
  const delivery = new DeliveryRepository(ctx);
  const enrollments = new EnrollmentRepository(ctx);
  // Sized to the default cadence; a solution configured with a shorter one is covered down to 250 ms beats.
  const ingestion = new IngestionClock(ctx, ingestionTiming(config.health.every + config.health.grace));
  const reportingSince = (at: number) => ingestion.upSince(at);
  // The Defender for Cloud connector's grace and state, read by every process (absent when it is off).
  const azureSince = azureGrace(config, ctx);
  const azureState = config.azure ? azureConnectorState(ctx, config.azure.pollEvery) : undefined;
  const outbox = new Outbox({
    delivery,
    keys: ctx.keys,
    queue: opts.deliverQueue,
    policy: { attempts: config.worker.alertAttempts, backoffMs: config.worker.alertBackoff },
    now,
  });
  const routing = buildRouting({
    ctx,
    config,
    solutions,
    flips,
    audit,
    outbox,
    defaultChannel: opts.defaultChannel,
    now,
  });
  const requests = new ConnectionRequests({
    solutions,
    enrollments,
    audit,
    outbox,
    approvalChannel: config.approvalChannel ?? opts.defaultChannel,
    defaults: config.health,
    now,
  });
  return {
    ctx,
    repositories: { solutions, flips, reports, audit, delivery, enrollments, ingestion },
    outbox,
    reportingSince,
    azureSince,
    azureState,
    slackEvents: new SlackEventLog(ctx),
    status: new StatusService({
      solutions,
      flips,
      reports,
      defaults: config.health,
      now,
      onCorrupt: (id, err) => opts.logger.warn({ solutionId: id, err }, 'skipped a corrupt solution record'),
      reportingSince,
      azureSince,
      index: new StatusIndex(ctx),
    }),
    incidents: new IncidentService({
      solutions,
      flips,
      delivery,
      audit,
      outbox,
      now,
      remindEveryMs: config.worker.remindEvery,
      escalation: routing.escalation,
    }),
    requests,
    solutions: new SolutionService({ solutions, audit, requests, defaults: config.health, now }),
    availability: routing.availability,
    routing,
    deliveries: new DeliveryService({
      delivery,
      audit,
      outbox,
      now,
      exportRedrive: exportRedrive(new ExportRepository(ctx), opts.exportQueue, now),
    }),
    ingest: new IngestService({
      solutions,
      reports,
      outbox,
      defaultChannel: opts.defaultChannel,
      minSeverity: config.eventMinSeverity,
      now,
      // The events are already in their export lists; start their solution's drain now.
      onAccepted: config.export
        ? (_kind, solutionId) => enqueueExports(opts.exportQueue, [solutionId])
        : undefined,
    }),
  };
}
