/** Health reports and security events as they arrive from solutions (the ingestion side). */
import { z } from 'zod';
import { type HealthReport, SEVERITIES, type SecurityEvent } from '../domain/model.js';
import type { StorageContext } from './context.js';

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

  async addHealth(solutionId: string, report: HealthReport): Promise<IngestOutcome> {
    const { keys, scripts } = this.ctx;
    const r = await scripts.run(
      'ingestHealth',
      [keys.solution(solutionId), keys.healthHistory(solutionId), keys.deadlines],
      [
        solutionId,
        report.status,
        report.observedAt,
        report.receivedAt,
        report.message ?? '',
        JSON.stringify(report),
        HEALTH_HISTORY_CAP,
      ],
    );
    return r === 1 ? 'applied' : r === 0 ? 'history-only' : r === -1 ? 'missing' : 'not-connected';
  }

  /** Stores the events not seen before; returns those (the duplicates are dropped by id). */
  async addEvents(
    solutionId: string,
    events: SecurityEvent[],
    receivedAt: number,
  ): Promise<SecurityEvent[] | 'missing' | 'not-connected'> {
    const { keys, scripts } = this.ctx;
    const exportFlag = this.ctx.exportEnabled ? '1' : '0';
    const args: (string | number)[] = [solutionId, receivedAt, EVENT_HISTORY_CAP, EVENT_ID_CAP, exportFlag];
    for (const e of events) args.push(e.id, JSON.stringify(e));
    const r = await scripts.run(
      'ingestEvents',
      [
        keys.solution(solutionId),
        keys.events(solutionId),
        keys.eventIds(solutionId),
        keys.deadlines,
        keys.exportList(solutionId),
        keys.exportPending,
      ],
      args,
    );
    if (r === -1) return 'missing';
    if (r === -2) return 'not-connected';
    const accepted = new Set(r as string[]);
    return events.filter((e) => accepted.has(e.id));
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
