/**
 * Maintenance windows (docs/contract.md §10.1): created and ended through the admin API and
 * `/secsol maintenance` (audited, announced in the alert channel), asked by the hold step of the delivery
 * pipeline, and released at each occurrence's end. The release is claimed (one worker per occurrence end,
 * schedule-repository.ts) and writes one `maintenance-release` item per held solution that is still bad,
 * its id derived from the window, the occurrence and the solution: a second release writes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Interval } from '../domain/availability.js';
import {
  covers,
  type MaintenanceWindow,
  occurrenceAt,
  occurrencesIn,
  upcoming,
} from '../domain/maintenance.js';
import { isAlertingState } from '../domain/model.js';
import type { Outbox } from '../outbox/outbox.js';
import type { MaintenanceHolds } from '../outbox/pipeline.js';
import { maintenanceLine } from '../slack/blocks/routing-blocks.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import {
  MAINTENANCE_KEEP_MS,
  type MaintenanceRepository,
  occurrenceMember,
  parseOccurrenceMember,
} from '../storage/maintenance-repository.js';
import type { ScheduleRepository } from '../storage/schedule-repository.js';
import type { SolutionRepository } from '../storage/solution-repository.js';

export interface MaintenanceServiceDeps {
  windows: MaintenanceRepository;
  /** Occurrence ends ("<window id>|<start>" -> end). */
  ends: ScheduleRepository;
  solutions: SolutionRepository;
  audit: AuditRepository;
  outbox: Outbox;
  defaultChannel: string;
  now: () => number;
}

export interface NewWindow {
  solutions: string[] | 'all';
  start?: number;
  end?: number;
  durationMs?: number;
  cron?: string;
  timezone?: string;
  reason: string;
}

export type CreateResult =
  | { outcome: 'created'; window: MaintenanceWindow }
  | { outcome: 'unknown'; ids: string[] };

/** A window's id: short, readable in Slack, safe in item and job ids. */
const newId = () => `mnt-${randomBytes(5).toString('hex')}`;

export class MaintenanceService implements MaintenanceHolds {
  constructor(private readonly deps: MaintenanceServiceDeps) {}

  async create(input: NewWindow, actor: string): Promise<CreateResult> {
    const { windows, solutions, now: clock } = this.deps;
    if (input.solutions !== 'all') {
      const records = await solutions.getMany(input.solutions);
      const unknown = input.solutions.filter((_, i) => !records[i] || records[i] instanceof Error);
      if (unknown.length > 0) return { outcome: 'unknown', ids: unknown };
    }
    const now = clock();
    const start = input.start ?? now;
    const w: MaintenanceWindow = {
      id: newId(),
      solutions: input.solutions === 'all' ? 'all' : [...new Set(input.solutions)],
      start,
      ...(input.cron
        ? { cron: input.cron, durationMs: input.durationMs }
        : { end: input.end ?? start + (input.durationMs ?? 0) }),
      timezone: input.timezone ?? 'UTC',
      reason: input.reason,
      createdBy: actor,
      createdAt: now,
    };
    await windows.save(w, w.cron ? Number.POSITIVE_INFINITY : (w.end as number));
    const [first] = upcoming(w, now, 1);
    if (first) await this.deps.ends.schedule(occurrenceMember(w.id, first.start), first.end);
    await this.record(actor, 'maintenance.start', w, 'applied');
    await this.announce(
      `Maintenance scheduled: ${maintenanceLine({ ...w, ...(first ?? { start, end: start }) })}`,
      now,
    );
    return { outcome: 'created', window: w };
  }

  /** Active and upcoming windows, each with its next occurrences. */
  async list(count = 3): Promise<{ window: MaintenanceWindow; next: Interval[] }[]> {
    const now = this.deps.now();
    const all = await this.deps.windows.since(now);
    return all
      .map((window) => ({ window, next: upcoming(window, now, count) }))
      .filter((w) => w.next.length > 0);
  }

  /** Ends a window now (and its recurrence); its held alerts are released at the next tick. */
  async end(id: string, actor: string): Promise<'ended' | 'missing' | 'over'> {
    const now = this.deps.now();
    const w = await this.deps.windows.get(id);
    if (!w) return 'missing';
    const [next] = upcoming(w, now, 1);
    if (!next) return 'over';
    const current = occurrenceAt(w, now);
    await this.deps.windows.save({ ...w, endedAt: now }, now);
    const member = occurrenceMember(w.id, next.start);
    if (current) await this.deps.ends.schedule(member, now);
    else await this.deps.ends.cancel(member);
    await this.record(actor, 'maintenance.end', w, 'applied');
    await this.announce(`Maintenance \`${w.id}\` ended early; alerts held by it are released now.`, now);
    return 'ended';
  }

  async holding(solutionId: string, now: number) {
    for (const w of await this.deps.windows.since(now)) {
      const o = covers(w, solutionId) ? occurrenceAt(w, now) : null;
      if (o) return { windowId: w.id, member: occurrenceMember(w.id, o.start), end: o.end, window: w };
    }
    return null;
  }

  /** For each solution in a window now, when that window ends (the status page's overlay); windows read once. */
  async holdingMany(solutionIds: string[], now: number): Promise<Map<string, number>> {
    const windows = await this.deps.windows.since(now);
    const held = new Map<string, number>();
    for (const id of solutionIds) {
      for (const w of windows) {
        const o = covers(w, id) ? occurrenceAt(w, now) : null;
        if (o) {
          held.set(id, o.end);
          break;
        }
      }
    }
    return held;
  }

  async markHeld(member: string, solutionId: string, end: number): Promise<void> {
    await this.deps.windows.markHeld(member, solutionId, Math.max(end - this.deps.now(), 0) + 7 * 86_400_000);
  }

  /** The maintenance that covered a solution within [from, to] (availability leaves it out). */
  async intervals(solutionId: string, from: number, to: number): Promise<Interval[]> {
    const windows = await this.deps.windows.since(from);
    return windows.filter((w) => covers(w, solutionId)).flatMap((w) => occurrencesIn(w, from, to));
  }

  /** Releases the occurrences that ended by `now`; returns the ids of the release items written. */
  async releaseDue(now: number): Promise<string[]> {
    const { ends, windows, solutions, outbox } = this.deps;
    const written: string[] = [];
    for (const { member, score } of await ends.due(now)) {
      if (!(await ends.claim(member, score, now))) continue;
      const occurrence = parseOccurrenceMember(member);
      const w = occurrence ? await windows.get(occurrence.windowId) : null;
      if (w && occurrence) {
        for (const solutionId of await windows.held(member)) {
          const rec = await solutions.get(solutionId);
          if (!rec || !isAlertingState(rec.state) || rec.incidentFlip) continue;
          if (rec.snoozedUntil !== undefined && rec.snoozedUntil > now) continue;
          const other = await this.holding(solutionId, now);
          if (other) {
            // Still held by another window: that one's end looks at it.
            await this.markHeld(other.member, solutionId, other.end);
            continue;
          }
          const itemId = `${w.id}-${occurrence.start}-${solutionId}`;
          if (await ends.itemExists(outbox.address({ kind: 'maintenance-release', itemId }).key)) continue;
          await outbox.add(
            'maintenance-release',
            {
              id: itemId,
              channel: rec.solution.alertChannel ?? this.deps.defaultChannel,
              fields: { solutionId, windowId: w.id, reason: w.reason },
            },
            now,
          );
          written.push(itemId);
        }
        // A recurring window's next occurrence is scheduled when this one is released.
        const [next] = upcoming(w, now, 2).filter((o) => o.start > occurrence.start);
        if (next) await ends.schedule(occurrenceMember(w.id, next.start), next.end);
      }
      await ends.cancel(member);
    }
    await windows.prune(now - MAINTENANCE_KEEP_MS);
    return written;
  }

  private async announce(text: string, now: number): Promise<void> {
    await this.deps.outbox.add(
      'ops',
      {
        id: `ops-mnt-${now}-${randomBytes(3).toString('hex')}`,
        channel: this.deps.defaultChannel,
        fields: { text },
      },
      now,
    );
  }

  private async record(actor: string, action: string, w: MaintenanceWindow, outcome: string): Promise<void> {
    const what = w.solutions === 'all' ? 'all' : w.solutions.join(',');
    await this.deps.audit.record({
      at: this.deps.now(),
      actor,
      action,
      outcome,
      detail: `${w.id} ${what}${w.reason ? `: ${w.reason}` : ''}`.slice(0, 500),
    });
  }
}
