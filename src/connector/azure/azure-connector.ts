/**
 * The Defender for Cloud connector, started by the worker when the four AZURE_* variables are set: a BullMQ
 * job scheduler runs one poll every SECSOL_AZURE_POLL_EVERY. Every worker process upserts the same
 * scheduler and consumes the same queue, so one poll runs at a time whatever the number of workers.
 * Its failures never stop the app: a poll records them and returns.
 */
import { type ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Logger } from '../../logger.js';
import { AZURE_SCHEDULER_ID, QUEUE } from '../../queue/queues.js';
import type { IngestService } from '../../services/ingest-service.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { StorageContext } from '../../storage/context.js';
import type { SolutionRepository } from '../../storage/solution-repository.js';
import { type AzureSettings, DefenderReader, isMicrosoftAuthority } from './azure-client.js';
import { AZURE_PORTAL } from './azure-mapping.js';
import { AzurePoller } from './azure-poller.js';
import { ConnectorState } from './connector-state.js';
import { FactsWriter } from './facts-writer.js';

export interface AzureConnectorDeps {
  settings: AzureSettings & { pollEvery: number };
  ctx: StorageContext;
  /** A connection for BullMQ (maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  solutions: SolutionRepository;
  audit: AuditRepository;
  ingest: Pick<IngestService, 'health' | 'events'>;
  /** Posts an operator notice ("the connector is failing", "it recovered") to the default channel. */
  notify: (text: string) => Promise<void>;
  logger: Logger;
  lockDuration: number;
  stalledInterval: number;
  now?: () => number;
}

export interface RunningConnector {
  close(): Promise<void>;
}

/**
 * The connector's state as every process reads it (its grace for the health rules, App Home, /metrics).
 * A silence of two poll intervals without a successful read counts as the connector failing: the solutions
 * read from Azure expect a report every interval with two intervals of grace, so it always counts first.
 */
export function azureConnectorState(ctx: StorageContext, pollEvery: number): ConnectorState {
  return new ConnectorState(ctx, 2 * pollEvery);
}

/** The health rules' grace for the solutions read from Azure; undefined when the connector is off. */
export function azureGrace(
  config: { azure?: { pollEvery: number } },
  ctx: StorageContext,
): ((now: number) => Promise<number | undefined>) | undefined {
  if (!config.azure) return undefined;
  const state = azureConnectorState(ctx, config.azure.pollEvery);
  return (now) => state.upSince(now);
}

export async function startAzureConnector(deps: AzureConnectorDeps): Promise<RunningConnector> {
  const { settings, ctx } = deps;
  const logger = deps.logger.child({ part: 'azure' });
  const now = deps.now ?? Date.now;
  const facts = new FactsWriter(ctx);
  const poller = new AzurePoller({
    reader: new DefenderReader(settings),
    sync: {
      ctx,
      solutions: deps.solutions,
      audit: deps.audit,
      ingest: deps.ingest,
      facts,
      mapping: {
        subscriptionId: settings.subscriptionId,
        tenantId: settings.tenantId,
        portalUrl: AZURE_PORTAL,
      },
      pollEvery: settings.pollEvery,
      logger,
      now,
    },
    state: azureConnectorState(ctx, settings.pollEvery),
    settings,
    notify: deps.notify,
    logger,
    now,
  });

  const abort = new AbortController();
  const opts = { connection: deps.connection, prefix: ctx.keys.bullPrefix };
  const queue = new Queue(QUEUE.azure, opts);
  queue.on('error', (err) => logger.warn({ err: err.message }, 'azure queue error'));
  // The poll job carries no data: nothing read back from Redis steers it.
  const worker = new Worker(
    QUEUE.azure,
    async () => {
      await poller.poll(abort.signal);
    },
    {
      ...opts,
      concurrency: 1,
      lockDuration: deps.lockDuration,
      stalledInterval: deps.stalledInterval,
      maxStalledCount: 3,
    },
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'azure poll worker error'));
  // The first poll runs at once; then every interval (idempotent across processes: one scheduler id).
  await queue.upsertJobScheduler(
    AZURE_SCHEDULER_ID,
    { every: settings.pollEvery },
    { name: 'poll', opts: { removeOnComplete: true, removeOnFail: { count: 100 } } },
  );
  logger.info(
    {
      pollEvery: settings.pollEvery,
      resourceManagerUrl: settings.resourceManagerUrl,
      authorityHost: settings.authorityHost,
      instanceDiscovery: isMicrosoftAuthority(settings.authorityHost),
    },
    'Defender for Cloud connector started',
  );

  return {
    close: async () => {
      abort.abort(); // in-flight Azure requests stop now rather than at their timeout
      await worker.close();
      await queue.close();
      await facts.close();
    },
  };
}
