/**
 * Prometheus metrics. Counters are per process; the gauges are read from Redis at scrape time, so any
 * web process shows the whole system (the worker's flips and deliveries live in Redis, not in memory).
 * While Redis is down those gauges are left out and `secsol_redis_up` is 0: the process metrics are
 * served regardless, since an outage is exactly when an operator scrapes them.
 */
import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ConnectorState } from '../connector/azure/connector-state.js';
import { registerExportMetrics } from '../export/export-metrics.js';
import { ExportRepository } from '../export/export-repository.js';
import type { StorageContext } from '../storage/context.js';
import { ReportRepository } from '../storage/report-repository.js';

const READ_TIMEOUT_MS = 1000;

export interface MetricsDeps {
  ctx: StorageContext;
  queues: Queue[];
  now: () => number;
  /** Items waiting in the outbox, all kinds together. */
  /** Slack deliveries: items waiting per kind, and items that reached a final state per kind and state. */
  outbox: {
    sizes: () => Promise<Record<string, number>>;
    finished: () => Promise<Record<string, number>>;
  };
  /** Connectors by name (e.g. `azure`), whose errors and last success are exported. */
  connectors?: Record<string, Pick<ConnectorState, 'status'>>;
  /** Solutions per state, from the status read model (StatusService.totals). */
  solutionTotals: () => Promise<Record<string, number>>;
}

export function createMetrics(deps: MetricsDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'secsol_' });
  const requests = new Counter({
    name: 'secsol_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const { ctx } = deps;
  /** Runs a Redis read within READ_TIMEOUT_MS (BullMQ's own connection would wait out an outage). */
  const bounded = async (read: () => Promise<void>): Promise<boolean> => {
    if (ctx.redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('redis read timed out')), READ_TIMEOUT_MS);
    });
    try {
      await Promise.race([read(), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  /**
   * A gauge read from Redis. A failed read shows NaN (unknown) or, with labels, no series: never a zero
   * that would hide a backlog, and never a failed scrape.
   */
  const fromRedis = (read: (gauge: Gauge) => Promise<void>, labelled = false) =>
    async function (this: Gauge) {
      if (await bounded(() => read(this))) return;
      this.reset();
      if (!labelled) this.set(Number.NaN);
    };
  new Gauge({
    name: 'secsol_redis_up',
    help: '1 when this process can read Redis now, else 0',
    registers: [registry],
    async collect() {
      this.set((await bounded(async () => void (await ctx.redis.ping()))) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'secsol_solutions',
    help: 'Solutions by state: connected ones per health state (judged now), discovered and dismissed',
    labelNames: ['state'] as const,
    registers: [registry],
    collect: fromRedis(async (g) => {
      for (const [state, n] of Object.entries(await deps.solutionTotals())) g.set({ state }, n);
    }, true),
  });
  new Gauge({
    name: 'secsol_evaluation_scheduled',
    help: 'Connected solutions with a pending evaluation deadline',
    registers: [registry],
    collect: fromRedis(async (g) => g.set(await ctx.redis.zcard(ctx.keys.deadlines))),
  });
  new Gauge({
    name: 'secsol_outbox_items',
    help: 'Slack deliveries (posts and edits) written but not yet done, per delivery kind',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect: fromRedis(async (g) => {
      for (const [kind, n] of Object.entries(await deps.outbox.sizes())) g.set({ kind }, n);
    }, true),
  });
  new Counter({
    name: 'secsol_deliveries_total',
    help: 'Slack deliveries that reached a final state, per kind and outcome (sent, held, failed, digested)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await bounded(async () => {
        for (const [key, n] of Object.entries(await deps.outbox.finished())) {
          const [kind = '', outcome = ''] = key.split(':');
          this.inc({ kind, outcome }, n);
        }
      });
    },
  });
  new Gauge({
    name: 'secsol_enrollments_pending',
    help: 'Enrollment requests waiting for a decision (refused past SECSOL_ENROLL_MAX_PENDING; the refusals: secsol_http_requests_total{route="/api/v1/enroll",status="429"})',
    registers: [registry],
    collect: fromRedis(async (g) => g.set(await ctx.redis.zcard(ctx.keys.pendingEnrollments))),
  });
  new Gauge({
    name: 'secsol_delivery_errors',
    help: 'Recent deliveries Slack refused for good (capped list)',
    registers: [registry],
    collect: fromRedis(async (g) => g.set(await ctx.redis.llen(ctx.keys.deliveryErrors))),
  });
  new Gauge({
    name: 'secsol_evaluation_heartbeat_age_seconds',
    help: 'Seconds since a worker last finished an evaluation tick',
    registers: [registry],
    collect: fromRedis(async (g) => {
      const last = await ctx.redis.get(ctx.keys.heartbeat);
      g.set(last === null ? -1 : (deps.now() - Number(last)) / 1000);
    }),
  });
  new Gauge({
    name: 'secsol_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect: fromRedis(async (g) => {
      for (const q of deps.queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        for (const [state, n] of Object.entries(counts)) g.set({ queue: q.name, state }, n);
      }
    }, true),
  });
  // Counted by the ingestion script of whichever web process stored the events, kept in Redis.
  const reports = new ReportRepository(ctx);
  new Counter({
    name: 'secsol_events_dropped_total',
    help: "Stored security events dropped, oldest first: over a solution's SECSOL_EVENT_BUDGET (budget), past its 500-event cap (count), or larger than the whole budget (oversize)",
    labelNames: ['reason'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      await bounded(async () => {
        for (const [reason, n] of Object.entries(await reports.droppedTotals())) this.inc({ reason }, n);
      });
    },
  });
  registerExportMetrics(registry, new ExportRepository(ctx), bounded);
  const connectors = Object.entries(deps.connectors ?? {});
  if (connectors.length > 0) {
    // Counted by whichever worker polled, kept in Redis: any web process exports the whole system's count.
    new Counter({
      name: 'secsol_connector_errors_total',
      help: 'Failed reads of a connector (e.g. Defender for Cloud)',
      labelNames: ['connector'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        await bounded(async () => {
          for (const [name, state] of connectors)
            this.inc({ connector: name }, (await state.status()).errors);
        });
      },
    });
    new Gauge({
      name: 'secsol_connector_last_success_timestamp_seconds',
      help: 'When a connector last read its source completely (Unix seconds; absent before the first)',
      labelNames: ['connector'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        await bounded(async () => {
          for (const [name, state] of connectors) {
            const { lastSuccessAt } = await state.status();
            if (lastSuccessAt !== undefined) this.set({ connector: name }, lastSuccessAt / 1000);
          }
        });
      },
    });
  }
  return { registry, requests };
}

export type Metrics = ReturnType<typeof createMetrics>;
