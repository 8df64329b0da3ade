/**
 * The one place incidents change. Every surface calls it: the deliverer (an incident posted, reopened,
 * resolved), the evaluator (reminders), the Acknowledge and Snooze buttons and `/secsol snooze|unsnooze`.
 * The rules are domain/incident.ts; this reads the facts, applies the transition, writes its audit record
 * when a person made it, and has the incident's message edited through the outbox.
 */
import { randomUUID } from 'node:crypto';
import * as incident from '../domain/incident.js';
import type { Outbox } from '../outbox/outbox.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import type { DeliveryRepository } from '../storage/delivery-repository.js';
import type { FlipRecord, FlipRepository } from '../storage/flip-repository.js';
import type { ScheduleRepository } from '../storage/schedule-repository.js';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { SolutionRepository } from '../storage/solution-repository.js';

export type { FlipRecord } from '../storage/flip-repository.js';

export interface IncidentServiceDeps {
  solutions: SolutionRepository;
  flips: FlipRepository;
  /** The reminders' schedule. */
  delivery: DeliveryRepository;
  audit: AuditRepository;
  outbox: Outbox;
  now: () => number;
  /** How often an open, unacknowledged incident is reminded; none when absent. */
  remindEveryMs?: number;
  /**
   * Escalation (docs/contract.md §10.2): an opened incident is scheduled `afterMs` later; acknowledge, snooze
   * and recovery cancel it (maintenance is checked when it falls due). None when absent.
   */
  escalation?: { schedule: ScheduleRepository; afterMs: number };
}

export type IncidentLookup =
  | { kind: 'deleted' }
  | { kind: 'over'; record: SolutionRecord }
  | { kind: 'open'; record: SolutionRecord; flip: FlipRecord };

export class IncidentService {
  constructor(private readonly deps: IncidentServiceDeps) {}

  /**
   * The open incident a click refers to. `flipId` is the incident the button was built for; `messageTs`,
   * when known, must be the incident's own message: a click on an older incident's message is not a
   * click on the current one.
   */
  async find(solutionId: string, flipId?: string, messageTs?: string): Promise<IncidentLookup> {
    const record = await this.deps.solutions.get(solutionId);
    if (!record) return { kind: 'deleted' };
    const open = record.incidentFlip;
    if (!open || (flipId !== undefined && flipId !== open)) return { kind: 'over', record };
    const flip = await this.deps.flips.get(open);
    if (!flip || flip.solutionId !== solutionId) return { kind: 'over', record };
    const incidentTs = flip.incidentTs ?? flip.ts;
    if (messageTs !== undefined && incidentTs !== undefined && incidentTs !== messageTs) {
      return { kind: 'over', record };
    }
    return { kind: 'open', record, flip };
  }

  // --- what people do ------------------------------------------------------------------------------

  async acknowledge(
    solutionId: string,
    flipId: string,
    user: string,
  ): Promise<{ outcome: 'applied' | 'over' | 'missing' } | { outcome: 'already'; by: string }> {
    const record = await this.deps.solutions.get(solutionId);
    if (!record) return { outcome: 'missing' };
    const decision = incident.acknowledge(record, flipId, user);
    if (decision.kind === 'over') return { outcome: 'over' };
    if (decision.kind === 'already') return { outcome: 'already', by: decision.by };
    if (!(await this.deps.solutions.applyIncident(solutionId, decision.patch))) return { outcome: 'missing' };
    await this.deps.escalation?.schedule.cancel(flipId);
    await this.audit(user, 'incident.acknowledge', solutionId, 'applied', flipId);
    await this.refresh(solutionId);
    return { outcome: 'applied' };
  }

  /** Holds the solution's alerts until `until` (`UNTIL_RECOVERED`); false when it is gone. */
  async snooze(
    solutionId: string,
    until: number,
    user: string,
    audit: { action: 'incident.snooze' | 'solution.snooze'; detail: string },
  ): Promise<boolean> {
    const open = (await this.deps.solutions.get(solutionId))?.incidentFlip;
    const applied = await this.deps.solutions.applyIncident(solutionId, incident.snooze(until, user));
    // Snooze is per incident: its pending escalation is cancelled, not postponed.
    if (applied && open) await this.deps.escalation?.schedule.cancel(open);
    const outcome = applied ? 'applied' : 'refused: not found';
    await this.audit(user, audit.action, solutionId, outcome, audit.detail);
    if (applied) {
      await this.refresh(solutionId);
      // No `until` stands for "until it recovers" (an infinite instant is not a number a schema accepts).
      const when = Number.isFinite(until) ? { until: String(until) } : {};
      await this.note(solutionId, { event: 'snooze', user, ...when });
    }
    return applied;
  }

  async unsnooze(solutionId: string, user: string): Promise<'applied' | 'not-snoozed' | 'missing'> {
    const record = await this.deps.solutions.get(solutionId);
    const change = record ? incident.unsnooze(record, this.deps.now()) : null;
    const applied = change ? await this.deps.solutions.applyIncident(solutionId, change.patch) : false;
    const result = !applied ? 'missing' : change?.wasSnoozed ? 'applied' : 'not-snoozed';
    const outcome = {
      applied: 'applied',
      'not-snoozed': 'applied: was not snoozed',
      missing: 'refused: not found',
    };
    await this.audit(user, 'solution.unsnooze', solutionId, outcome[result]);
    if (applied) await this.refresh(solutionId);
    if (result === 'applied') {
      await this.note(solutionId, { event: 'unsnooze', user });
    }
    return result;
  }

  /**
   * Has the open incident's message re-rendered from its current state, through the outbox (coalesced:
   * one waiting edit per message). Nothing to edit when the incident has no message of its own.
   */
  async refresh(solutionId: string): Promise<void> {
    const record = await this.deps.solutions.get(solutionId);
    const open = record?.incidentFlip ? await this.deps.flips.get(record.incidentFlip) : null;
    if (!open?.ts || open.digestId) return;
    await this.deps.outbox.addEdit('incident-edit', open.id, {
      id: `edit-${randomUUID()}`,
      channel: open.channel,
      fields: { solutionId, incidentFlip: open.id },
    });
  }

  // --- what delivery does --------------------------------------------------------------------------

  /** An incident message was posted (or reopened, or a digest stands for it): it is the open one. */
  async opened(solutionId: string, incidentId: string, opts: { remind: boolean }): Promise<void> {
    await this.deps.solutions.applyIncident(solutionId, incident.open(incidentId));
    const every = this.deps.remindEveryMs;
    if (opts.remind && every !== undefined) {
      await this.deps.delivery.scheduleReminder(incidentId, this.deps.now() + every);
    }
    const escalation = this.deps.escalation;
    if (opts.remind && escalation)
      await escalation.schedule.schedule(incidentId, this.deps.now() + escalation.afterMs);
  }

  /** The incident is over; `incidentId` when it had a message of its own (a relapse may reopen it). */
  async resolved(solutionId: string, incidentId: string | undefined, at: number): Promise<void> {
    const record = await this.deps.solutions.get(solutionId);
    if (!record) return;
    await this.deps.solutions.applyIncident(solutionId, incident.resolve(record, incidentId, at));
    if (incidentId) await this.deps.delivery.cancelReminder(incidentId);
    if (record.incidentFlip) await this.deps.escalation?.schedule.cancel(record.incidentFlip);
  }

  /**
   * Reminders of open incidents nobody acknowledged, in the incident's thread. Each due reminder is
   * claimed (moved to its next time) by one evaluator, which writes the reminder as a delivery item; its
   * handler checks again, at sending time, that the incident is still open and unacknowledged.
   */
  async remindDue(now: number): Promise<void> {
    const every = this.deps.remindEveryMs;
    if (every === undefined) return;
    const { delivery, flips, solutions } = this.deps;
    for (const { flipId, score } of await delivery.dueReminders(now)) {
      if (!(await delivery.claimReminder(flipId, score, now + every))) continue;
      const open = await flips.get(flipId);
      const record = open ? await solutions.get(open.solutionId) : null;
      const decision = open?.ts ? incident.remindDecision(record, flipId, now) : 'cancel';
      if (decision === 'cancel') await delivery.cancelReminder(flipId);
      if (decision !== 'remind' || !open?.ts) continue;
      await this.deps.outbox.add(
        'reminder',
        {
          id: `rem-${flipId}-${score}`,
          channel: open.channel,
          fields: { solutionId: open.solutionId, incidentFlip: flipId, threadTs: open.incidentTs ?? open.ts },
        },
        now,
      );
    }
  }

  /**
   * Says in the open incident's thread what someone did to it (snooze, unsnooze), so that muting an alert
   * is never silent. Nothing when no incident message is open.
   */
  private async note(
    solutionId: string,
    what: { event: 'snooze' | 'unsnooze'; user: string; until?: string },
  ): Promise<void> {
    const record = await this.deps.solutions.get(solutionId);
    const open = record?.incidentFlip ? await this.deps.flips.get(record.incidentFlip) : null;
    const threadTs = open?.incidentTs ?? open?.ts;
    if (!open || !threadTs || open.digestId) return;
    await this.deps.outbox.add('incident-note', {
      id: `note-${randomUUID()}`,
      channel: open.channel,
      fields: { solutionId, threadTs, ...what },
    });
  }

  private async audit(user: string, action: string, solutionId: string, outcome: string, detail?: string) {
    await this.deps.audit.record({
      at: this.deps.now(),
      actor: user.startsWith('slack:') ? user : `slack:${user}`,
      action,
      solutionId,
      outcome,
      detail,
    });
  }
}
