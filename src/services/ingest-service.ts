/**
 * What solutions send: health reports and security events. Events at or above the configured
 * severity become one Slack message per request (a burst is grouped), deduplicated by event id.
 */
import { createHash } from 'node:crypto';
import { type HealthReport, type SecurityEvent, type Severity, severityRank } from '../domain/model.js';
import { KINDS } from '../outbox/kinds.js';
import type { Outbox } from '../outbox/outbox.js';
import { BATCH_REF_CAP, type IngestOutcome, type ReportRepository } from '../storage/report-repository.js';
import type { GateRefusal } from '../storage/script-results.js';
import type { IngestGate } from '../storage/scripts.js';
import type { SolutionRepository } from '../storage/solution-repository.js';

export interface IncomingEvent {
  id?: string;
  severity: Severity;
  title: string;
  description?: string;
  resource?: string;
  observedAt?: number;
  properties?: Record<string, unknown>;
}

export interface IngestServiceDeps {
  solutions: SolutionRepository;
  reports: ReportRepository;
  outbox: Outbox;
  defaultChannel: string;
  minSeverity: Severity;
  now: () => number;
  /** Continuous export hook (SIEM), called with what was accepted. */
  onAccepted?: (kind: 'event', solutionId: string, items: SecurityEvent[]) => Promise<void>;
}

/** An event without an id gets one from its content, so a retried POST is recognised as the same event. */
export function contentId(solutionId: string, e: IncomingEvent): string {
  const canonical = JSON.stringify([
    solutionId,
    e.severity,
    e.title,
    e.description,
    e.resource,
    e.observedAt,
  ]);
  return `sha256-${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

export class IngestService {
  constructor(private readonly deps: IngestServiceDeps) {}

  async health(
    solutionId: string,
    input: {
      status: HealthReport['status'];
      message?: string;
      details?: Record<string, unknown>;
      observedAt?: number;
    },
    gate?: Omit<IngestGate, 'now'>,
  ): Promise<IngestOutcome | GateRefusal> {
    const receivedAt = this.deps.now();
    return this.deps.reports.addHealth(
      solutionId,
      {
        status: input.status,
        message: input.message,
        details: input.details,
        observedAt: input.observedAt ?? receivedAt,
        receivedAt,
      },
      gate && { ...gate, now: receivedAt },
    );
  }

  async events(
    solutionId: string,
    incoming: IncomingEvent[],
    gate?: Omit<IngestGate, 'now'>,
  ): Promise<{ accepted: number; duplicates: number } | 'missing' | 'not-connected' | GateRefusal> {
    const receivedAt = this.deps.now();
    const events: SecurityEvent[] = incoming.map((e) => ({
      id: e.id ?? contentId(solutionId, e),
      solutionId,
      severity: e.severity,
      title: e.title,
      description: e.description,
      resource: e.resource,
      observedAt: e.observedAt ?? receivedAt,
      receivedAt,
      properties: e.properties,
    }));
    // The same id twice in one request counts once.
    const unique = [...new Map(events.map((e) => [e.id, e])).values()];
    const stored = await this.deps.reports.addEvents(
      solutionId,
      unique,
      receivedAt,
      gate && { ...gate, now: receivedAt },
    );
    if (typeof stored === 'string' || 'retryAfterMs' in stored) return stored;
    const { accepted } = stored;
    const min = severityRank(this.deps.minSeverity);
    const alertable = accepted.filter((e) => severityRank(e.severity) >= min);
    if (alertable.length > 0) {
      // The script answered the solution's alert channel with the write: no second read.
      const channel = stored.alertChannel || this.deps.defaultChannel;
      // The batch names its events (id and sequence number) instead of copying them: the solution's byte
      // budget then bounds what its events take, and the handler renders them from the stored list.
      const seqOf = new Map(stored.refs.map((r) => [r.id, r.seq]));
      const refs: [string, number][] = alertable.map((e) => [e.id, seqOf.get(e.id) ?? 0]);
      // A solution has one batch waiting at a time: events that arrive before it is posted join it, so a
      // burst faster than Slack takes messages leaves one message waiting, not one per request.
      // The batch id is derived from its events: a retried request creates no second batch.
      const batchId = `evb-${solutionId}-${createHash('sha256')
        .update(alertable.map((e) => e.id).join('\n'))
        .digest('hex')
        .slice(0, 24)}`;
      const joined = await this.deps.reports.joinOrOpenBatch(solutionId, batchId, refs, alertable.length);
      if (joined === 'open') {
        await this.deps.outbox.add(
          'event-batch',
          {
            id: batchId,
            channel,
            fields: {
              solutionId,
              eventRefs: JSON.stringify(refs.slice(0, BATCH_REF_CAP)),
              count: String(alertable.length),
            },
          },
          receivedAt,
        );
        await this.deps.reports.openBatch(solutionId, batchId, KINDS['event-batch'].ttlMs);
      }
    }
    if (accepted.length > 0)
      await this.deps.onAccepted?.('event', solutionId, accepted).catch(() => undefined);
    return { accepted: accepted.length, duplicates: events.length - accepted.length };
  }
}
