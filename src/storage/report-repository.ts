/** Health reports and security events as they arrive from solutions (the ingestion side). */
import { z } from 'zod';
import { type HealthReport, SEVERITIES, type SecurityEvent } from '../domain/model.js';
import type { StorageContext } from './context.js';
import type { StoredEventRef } from './ingest-scripts.js';
import type { GateRefusal } from './script-results.js';
import type { IngestGate } from './scripts.js';

export type { StoredEventRef } from './ingest-scripts.js';

export const HEALTH_HISTORY_CAP = 100;
/**
 * And at most this many bytes (the newest report always): a report may carry up to the body limit of
 * details, and 100 of them would be 25 MiB for one token to fill.
 */
export const HEALTH_HISTORY_BUDGET = 1024 * 1024;
export const EVENT_HISTORY_CAP = 500;
/** How many recent event ids per solution are remembered for deduplication. */
export const EVENT_ID_CAP = 10_000;

export type IngestOutcome = 'applied' | 'history-only' | 'missing' | 'not-connected';

/** Why stored events were dropped: over the byte budget, past the count cap, or larger than the budget. */
export const DROP_REASONS = ['budget', 'count', 'oversize'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** How long a solution's batch opening is held while its creator writes the batch item. */
const OPENING_MS = 5_000;

/** How many events one batch names (a message shows the first few; the rest are counted). */
export const BATCH_REF_CAP = 50;

/** The events an event batch names, stored as JSON `[[eventId, seq], ...]` (also the outbox item's field). */
export const batchRefsSchema = z.array(
  z.tuple([z.string(), z.number().int().min(0)]).transform(([id, seq]) => ({ id, seq })),
);

/** An event a batch refers to, as stored now: the event, or its id when it is no longer stored. */
export type BatchEntry = SecurityEvent | { id: string; dropped: true };

const reportSchema = z.object({
  status: z.enum(['healthy', 'unhealthy']),
  message: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  observedAt: z.number(),
  receivedAt: z.number(),
});

/** A stored security event (an event batch written before the byte budget also carried copies). */
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
      historyBudget: HEALTH_HISTORY_BUDGET,
    });
  }

  /**
   * Stores the events not seen before; returns those (the duplicates are dropped by id) with their sequence
   * numbers, and the solution's alert channel ('' for the default). The solution keeps at most
   * `eventBudget` bytes of events: the oldest are dropped in the same step. With a gate, as addHealth.
   */
  async addEvents(
    solutionId: string,
    events: SecurityEvent[],
    receivedAt: number,
    gate?: IngestGate,
  ): Promise<
    | { accepted: SecurityEvent[]; refs: StoredEventRef[]; alertChannel: string }
    | 'missing'
    | 'not-connected'
    | GateRefusal
  > {
    const r = await this.ctx.scripts.ingestEvents({
      gate,
      id: solutionId,
      receivedAt,
      listCap: EVENT_HISTORY_CAP,
      idCap: EVENT_ID_CAP,
      budget: this.ctx.eventBudget,
      exportEnabled: this.ctx.exportEnabled,
      events: events.map((e) => ({ id: e.id, json: JSON.stringify(e) })),
    });
    if (typeof r === 'string' || 'retryAfterMs' in r) return r;
    const accepted = new Set(r.accepted.map((a) => a.id));
    return {
      accepted: events.filter((e) => accepted.has(e.id)),
      refs: r.accepted,
      alertChannel: r.alertChannel,
    };
  }

  /**
   * The events a batch refers to, as stored now, in the batch's order: each one still kept, or its id
   * marked dropped (the budget made room for newer ones, or it never fitted). One read of the list's
   * stretch between the lowest and highest sequence numbers (a batch's events arrived in one request).
   */
  async batchEvents(solutionId: string, refs: StoredEventRef[]): Promise<BatchEntry[]> {
    const seqs = refs.map((r) => r.seq).filter((seq) => seq > 0);
    const kept = new Map<number, SecurityEvent>();
    if (seqs.length > 0) {
      const rows = await this.ctx.scripts.storedEvents({
        id: solutionId,
        low: Math.min(...seqs),
        high: Math.max(...seqs),
      });
      for (const row of rows) {
        const parsed = securityEventSchema.safeParse(safeJson(row.json));
        if (parsed.success) kept.set(row.seq, parsed.data);
      }
    }
    // The id must match too: the sequence number says where to look, the id that it is the same event.
    return refs.map((r) => {
      const event = kept.get(r.seq);
      return event && event.id === r.id ? event : { id: r.id, dropped: true as const };
    });
  }

  /**
   * New events join the solution's event batch still waiting to be posted. 'open' when there is none (or it
   * started rendering) and this caller now holds the solution's opening for `newId`: it writes that batch,
   * then calls `openBatch`. Two requests racing make one batch: the second joins the first's.
   */
  async joinOrOpenBatch(
    solutionId: string,
    newId: string,
    refs: [string, number][],
    count: number,
  ): Promise<'joined' | 'open'> {
    const { redis, keys, scripts } = this.ctx;
    const openKey = keys.openEventBatch(solutionId);
    for (let attempt = 0; attempt < 50; attempt++) {
      const open = await redis.get(openKey);
      if (open !== null) {
        const joined = await scripts.joinEventBatch({
          solutionId,
          batchId: open,
          refs,
          count,
          refCap: BATCH_REF_CAP,
        });
        if (joined === 'joined') return 'joined';
        // Its creator is writing it: a moment, then join it.
        if (joined === 'not-yet') {
          await new Promise((resolve) => setTimeout(resolve, 10));
          continue;
        }
      }
      // Held briefly until the batch is written: a creator that dies leaves no opening behind for long.
      if ((await redis.set(openKey, newId, 'PX', OPENING_MS, 'NX')) === 'OK') return 'open';
    }
    return 'open'; // a batch of its own: never lose events to contention
  }

  /** The new batch is written: it takes the events that arrive until it is rendered. */
  async openBatch(solutionId: string, batchId: string, ttlMs: number): Promise<void> {
    const key = this.ctx.keys.openEventBatch(solutionId);
    await this.ctx.scripts.extendIfHeld({ key, value: batchId, ttlMs });
  }

  /** The batch takes no more events, and what joined it: read after closing, so nothing joins unseen. */
  async closeBatch(
    solutionId: string,
    batchId: string,
  ): Promise<{ refs: StoredEventRef[]; count: number } | null> {
    const { redis, keys, scripts } = this.ctx;
    if ((await scripts.closeEventBatch({ solutionId, batchId })) === 'missing') return null;
    const [refs, count] = await redis.hmget(keys.eventBatch(batchId), 'eventRefs', 'count');
    const parsed = batchRefsSchema.safeParse(safeJson(refs ?? ''));
    if (!parsed.success) return null;
    return { refs: parsed.data, count: Math.max(Number(count) || 0, parsed.data.length) };
  }

  /** Events dropped from the stored lists since the start, every solution together, per reason. */
  async droppedTotals(): Promise<Record<DropReason, number>> {
    const counts = await this.ctx.redis.hmget(
      this.ctx.keys.eventStats,
      ...DROP_REASONS.map((reason) => `dropped:${reason}`),
    );
    return Object.fromEntries(DROP_REASONS.map((reason, i) => [reason, Number(counts[i] ?? 0)])) as Record<
      DropReason,
      number
    >;
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
