/**
 * Prometheus metrics. Counters are per process; the gauges are read from Redis at scrape time, so any
 * web process shows the whole system (the worker's flips and deliveries live in Redis, not in memory).
 */
import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ConnectorState } from '../connector/azure/connector-state.js';
import type { StorageContext } from '../storage/context.js';

export interface MetricsDeps {
  ctx: StorageContext;
  queues: Queue[];
  now: () => number;
  /** Connectors by name (e.g. `azure`), whose errors and last success are exported. */
  connectors?: Record<string, Pick<ConnectorState, 'status'>>;
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
  new Gauge({
    name: 'secsol_solutions',
    help: 'Solutions known (connected, discovered and dismissed)',
    registers: [registry],
    async collect() {
      this.set(await ctx.redis.scard(ctx.keys.solutions));
    },
  });
  new Gauge({
    name: 'secsol_evaluation_scheduled',
    help: 'Connected solutions with a pending evaluation deadline',
    registers: [registry],
    async collect() {
      this.set(await ctx.redis.zcard(ctx.keys.deadlines));
    },
  });
  new Gauge({
    name: 'secsol_outbox_items',
    help: 'Messages written but not yet delivered to Slack',
    registers: [registry],
    async collect() {
      this.set(await ctx.redis.zcard(ctx.keys.outbox));
    },
  });
  new Gauge({
    name: 'secsol_delivery_errors',
    help: 'Recent deliveries Slack refused for good (capped list)',
    registers: [registry],
    async collect() {
      this.set(await ctx.redis.llen(ctx.keys.deliveryErrors));
    },
  });
  new Gauge({
    name: 'secsol_evaluation_heartbeat_age_seconds',
    help: 'Seconds since a worker last finished an evaluation tick',
    registers: [registry],
    async collect() {
      const last = await ctx.redis.get(ctx.keys.heartbeat);
      this.set(last === null ? -1 : (deps.now() - Number(last)) / 1000);
    },
  });
  new Gauge({
    name: 'secsol_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      for (const q of deps.queues) {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      }
    },
  });
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
        for (const [name, state] of connectors) this.inc({ connector: name }, (await state.status()).errors);
      },
    });
    new Gauge({
      name: 'secsol_connector_last_success_timestamp_seconds',
      help: 'When a connector last read its source completely (Unix seconds; absent before the first)',
      labelNames: ['connector'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [name, state] of connectors) {
          const { lastSuccessAt } = await state.status();
          if (lastSuccessAt !== undefined) this.set({ connector: name }, lastSuccessAt / 1000);
        }
      },
    });
  }
  return { registry, requests };
}

export type Metrics = ReturnType<typeof createMetrics>;
