/** Health reports and security events as they arrive from solutions (the ingestion side). */
import { z } from 'zod';
import { type HealthReport, SEVERITIES, type SecurityEvent } from '../domain/model.js';
import type { StorageContext } from './context.js';
import type { GateRefusal } from './script-results.js';
import type { IngestGate } from './scripts.js';

export const HEALTH_HISTORY_CAP = 100;
export const EVENT_HISTORY_CAP = 500;
/** How many recent event ids per solution are remembered for deduplication. */
export const EVENT_ID_CAP = 10_000;

export type IngestOutcome = 'applied' | 'history-only' | 'missing' | 'not-connected';

const reportSchema = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  observedAt: z.number(),
  receivedAt: z.number(),
});

/** A stored security event (also what an event batch carries to the deliverer). */
export const securityEventSchema = z.object({
  id: z.string(),
  solutionId: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  description: z.string().optional(),
  resource: z.string().optional(),
  observedAt: z.number(),
  receivedAt: z.number(),
  properties: z.record(z.string(), z.unknown()).optional(),
});

export class ReportRepository {
  constructor(private readonly ctx: StorageContext) {}

  /** Stores a report; with a gate (the API), only for the solution's own token within its rate limit. */
  async addHealth(
    solutionId: string,
    report: HealthReport,
    gate?: IngestGate,
  ): Promise<IngestOutcome | GateRefusal> {
    return this.ctx.scripts.ingestHealth({
      gate,
      id: solutionId,
      status: report.status,
      observedAt: report.observedAt,
      receivedAt: report.receivedAt,
      message: report.message ?? '',
      reportJson: JSON.stringify(report),
      historyCap: HEALTH_HISTORY_CAP,
    });
  }

  /**
   * Stores the events not seen before; returns those (the duplicates are dropped by id) and the solution's
   * alert channel ('' for the default). With a gate, as addHealth.
   */
  async addEvents(
    solutionId: string,
    events: SecurityEvent[],
    receivedAt: number,
    gate?: IngestGate,
  ): Promise<
    { accepted: SecurityEvent[]; alertChannel: string } | 'missing' | 'not-connected' | GateRefusal
  > {
    const r = await this.ctx.scripts.ingestEvents({
      gate,
      id: solutionId,
      receivedAt,
      listCap: EVENT_HISTORY_CAP,
      idCap: EVENT_ID_CAP,
      exportEnabled: this.ctx.exportEnabled,
      events: events.map((e) => ({ id: e.id, json: JSON.stringify(e) })),
    });
    if (typeof r === 'string' || 'retryAfterMs' in r) return r;
    const accepted = new Set(r.accepted);
    return { accepted: events.filter((e) => accepted.has(e.id)), alertChannel: r.alertChannel };
  }

  async healthHistory(solutionId: string, limit = 20): Promise<HealthReport[]> {
    const raw = await this.ctx.redis.lrange(this.ctx.keys.healthHistory(solutionId), 0, limit - 1);
    return raw.flatMap((r) => {
      const parsed = reportSchema.safeParse(safeJson(r));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async recentEvents(solutionId: string, limit = 20): Promise<SecurityEvent[]> {
    const raw = await this.ctx.redis.lrange(this.ctx.keys.events(solutionId), 0, limit - 1);
    return raw.flatMap((r) => {
      const parsed = securityEventSchema.safeParse(safeJson(r));
      return parsed.success ? [parsed.data] : [];
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
