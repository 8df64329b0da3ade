/**
 * Routing's parts on one Redis connection (docs/contract.md §10): maintenance windows, escalation and
 * availability, and what the worker runs each tick (escalations due, occurrence ends to release).
 */
import type { Config } from '../config/config.js';
import type { Outbox } from '../outbox/outbox.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import type { StorageContext } from '../storage/context.js';
import type { FlipRepository } from '../storage/flip-repository.js';
import { MaintenanceRepository } from '../storage/maintenance-repository.js';
import { ScheduleRepository } from '../storage/schedule-repository.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import { AvailabilityService } from './availability-service.js';
import { EscalationService } from './escalation-service.js';
import { MaintenanceService } from './maintenance-service.js';

export interface RoutingDeps {
  ctx: StorageContext;
  config: Config;
  solutions: SolutionRepository;
  flips: FlipRepository;
  audit: AuditRepository;
  outbox: Outbox;
  defaultChannel: string;
  now: () => number;
}

export type Routing = ReturnType<typeof buildRouting>;

export function buildRouting(d: RoutingDeps) {
  const { ctx, config, now } = d;
  const maintenance = new MaintenanceService({
    windows: new MaintenanceRepository(ctx),
    ends: new ScheduleRepository(ctx, ctx.keys.maintenanceEnds),
    solutions: d.solutions,
    audit: d.audit,
    outbox: d.outbox,
    defaultChannel: d.defaultChannel,
    now,
  });
  const { escalateAfter, escalationChannel, escalationUsergroup } = config.routing;
  const escalationSchedule = new ScheduleRepository(ctx, ctx.keys.escalations);
  const escalations =
    escalateAfter > 0
      ? new EscalationService({
          schedule: escalationSchedule,
          solutions: d.solutions,
          flips: d.flips,
          outbox: d.outbox,
          maintenance,
          afterMs: escalateAfter,
          channel: escalationChannel,
          usergroup: escalationUsergroup,
          now,
        })
      : undefined;
  const scheduled: ((at: number) => Promise<unknown>)[] = [(at) => maintenance.releaseDue(at)];
  if (escalations) scheduled.push((at) => escalations.escalateDue(at));
  return {
    maintenance,
    /** For IncidentService: where an opened incident's escalation is scheduled; none when off. */
    escalation: escalateAfter > 0 ? { schedule: escalationSchedule, afterMs: escalateAfter } : undefined,
    availability: new AvailabilityService({
      flips: d.flips,
      maintenance: (id, from, to) => maintenance.intervals(id, from, to),
      now,
    }),
    scheduled,
  };
}
