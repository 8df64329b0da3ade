/**
 * Escalation of incidents nobody acknowledged (docs/contract.md §10.2). IncidentService schedules an
 * incident when it opens and cancels it on acknowledge, snooze and recovery; each evaluator tick takes
 * the due ones here. A due entry is claimed by one worker (compare-and-set), checked (still open,
 * unacknowledged, not snoozed, not in maintenance), and written as one `escalation` outbox item whose id
 * is derived from the incident: a second worker, or the same entry claimed again after a crash, finds
 * the item already written. The handler checks again when it sends.
 */
import { escalationDecision } from '../domain/incident.js';
import type { Outbox } from '../outbox/outbox.js';
import type { MaintenanceHolds } from '../outbox/pipeline.js';
import type { FlipRepository } from '../storage/flip-repository.js';
import type { ScheduleRepository } from '../storage/schedule-repository.js';
import type { SolutionRepository } from '../storage/solution-repository.js';

export interface EscalationServiceDeps {
  schedule: ScheduleRepository;
  solutions: SolutionRepository;
  flips: FlipRepository;
  outbox: Outbox;
  maintenance?: MaintenanceHolds;
  afterMs: number;
  /** Where escalations go; unset: the incident's thread. */
  channel?: string;
  usergroup?: string;
  now: () => number;
}

export const escalationItemId = (incidentFlip: string) => `esc-${incidentFlip}`;

export class EscalationService {
  constructor(private readonly deps: EscalationServiceDeps) {}

  /** Escalates the incidents due by `now`; returns the ids of the items written. */
  async escalateDue(now: number): Promise<string[]> {
    const { schedule, solutions, flips, outbox } = this.deps;
    const written: string[] = [];
    for (const { member: flipId, score } of await schedule.due(now)) {
      if (!(await schedule.claim(flipId, score, now))) continue;
      const incident = await flips.get(flipId);
      const record = incident ? await solutions.get(incident.solutionId) : null;
      const held = record ? await this.deps.maintenance?.holding(record.solution.id, now) : null;
      const decision = escalationDecision(record, flipId, now, Boolean(held));
      const incidentTs = incident?.incidentTs ?? incident?.ts;
      const itemId = escalationItemId(flipId);
      const already = await schedule.itemExists(outbox.address({ kind: 'escalation', itemId }).key);
      if (decision === 'escalate' && incident && incidentTs && !already) {
        const channel = this.deps.channel ?? incident.channel;
        await outbox.add(
          'escalation',
          {
            id: itemId,
            channel,
            fields: {
              solutionId: incident.solutionId,
              incidentFlip: flipId,
              incidentChannel: incident.channel,
              incidentTs,
              ...(this.deps.channel ? {} : { threadTs: incidentTs }),
              ...(this.deps.usergroup ? { usergroup: this.deps.usergroup } : {}),
              afterMs: String(this.deps.afterMs),
            },
          },
          now,
        );
        written.push(itemId);
      }
      // Written (or not to be written): the entry is done.
      await schedule.cancel(flipId);
    }
    return written;
  }
}
