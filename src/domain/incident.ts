/**
 * The incident lifecycle, pure: from what is stored about a solution's incident and `now`, the
 * transitions (open, escalate, acknowledge, snooze, unsnooze, resolve, reopen on flap, remind) and what
 * the incident message shows. No I/O here: services/incident-service.ts reads, applies and audits.
 *
 * An incident is the flip that opened it (its message), recorded on the solution as `incidentFlip`; after
 * it resolves it is remembered as `lastIncidentFlip` / `lastResolvedAt`, so that a relapse soon after
 * reopens the same message. Acknowledge and snooze are overlays on the solution, not states.
 */
import { type HealthState, isAlertingState } from './model.js';

/** What is stored about a solution's incident: the fields of its record this module reads. */
export interface IncidentFacts {
  state: HealthState;
  incidentFlip?: string;
  lastIncidentFlip?: string;
  lastResolvedAt?: number;
  /** Alerts held until this instant; `Infinity` means until the solution recovers. */
  snoozedUntil?: number;
  acknowledgedBy?: string;
  lastHealthMessage?: string;
  facts: { lastHealthStatus: 'healthy' | 'unhealthy' | null };
}

/** A change of health state as recorded (a flip). */
export interface Change {
  id: string;
  from: HealthState;
  to: HealthState;
  at: number;
  reason: string;
}

/** The writes a transition makes on the solution's record; `null` clears a field. */
export interface IncidentPatch {
  incidentFlip?: string | null;
  acknowledgedBy?: string | null;
  lastIncidentFlip?: string;
  lastResolvedAt?: number;
  snoozedUntil?: number | null;
  snoozedBy?: string | null;
}

export const UNTIL_RECOVERED = Number.POSITIVE_INFINITY;

/** Whether alerts about the solution are held at `now`. */
export function isSnoozed(f: Pick<IncidentFacts, 'snoozedUntil'>, now: number): boolean {
  return f.snoozedUntil !== undefined && f.snoozedUntil > now;
}

/** Overlays are stored as 'U…' or 'slack:U…' depending on who wrote them; mentions need the bare id. */
export function bareUser(id: string | undefined): string | undefined {
  return id?.replace(/^slack:/, '') || undefined;
}

// --- transitions ----------------------------------------------------------------------------------

/** A posted incident (new, reopened, or one a digest stands for) becomes the open one. */
export function open(incidentId: string): IncidentPatch {
  return { incidentFlip: incidentId };
}

/**
 * The incident is over. With `incidentId` (it had a message of its own) it is remembered, so that a
 * relapse within the flap window reopens it. A snooze "until it recovers" ends here too.
 */
export function resolve(f: IncidentFacts, incidentId: string | undefined, at: number): IncidentPatch {
  return {
    incidentFlip: null,
    acknowledgedBy: null,
    ...(incidentId ? { lastIncidentFlip: incidentId, lastResolvedAt: at } : {}),
    ...(f.snoozedUntil === UNTIL_RECOVERED ? { snoozedUntil: null, snoozedBy: null } : {}),
  };
}

export type AcknowledgeDecision =
  | { kind: 'apply'; patch: IncidentPatch }
  | { kind: 'over' }
  | { kind: 'already'; by: string };

/** Anyone may take the open incident, once. */
export function acknowledge(f: IncidentFacts, incidentId: string, by: string): AcknowledgeDecision {
  if (f.incidentFlip !== incidentId) return { kind: 'over' };
  const already = bareUser(f.acknowledgedBy);
  if (already) return { kind: 'already', by: already };
  return { kind: 'apply', patch: { acknowledgedBy: by } };
}

/** Holds alerts until `until` (`UNTIL_RECOVERED` for until it recovers). */
export function snooze(until: number, by: string): IncidentPatch {
  return { snoozedUntil: until, snoozedBy: by };
}

/** Lets alerts flow again; says whether they were held at `now`. */
export function unsnooze(f: IncidentFacts, now: number): { patch: IncidentPatch; wasSnoozed: boolean } {
  return { patch: { snoozedUntil: null, snoozedBy: null }, wasSnoozed: isSnoozed(f, now) };
}

/**
 * The hold step for a flip: while snoozed, new incidents and escalations are held (its state is still
 * tracked); a recovery always goes out, so that an open message never stays red.
 */
export function holdsFlip(
  f: IncidentFacts,
  kind: 'incident' | 'escalation' | 'recovery',
  now: number,
): boolean {
  return kind !== 'recovery' && isSnoozed(f, now);
}

/** The incident a relapse at `at` reopens (flapping): the last one, if it resolved within the window. */
export function reopenCandidate(f: IncidentFacts, at: number, flapWindowMs: number): string | null {
  if (!f.lastIncidentFlip || f.lastResolvedAt === undefined) return null;
  return at - f.lastResolvedAt > flapWindowMs ? null : f.lastIncidentFlip;
}

/**
 * Whether an incident's due reminder goes out: only while it is still the open one and nobody took it;
 * a snooze skips this round without cancelling the next ones.
 */
export function remindDecision(
  f: IncidentFacts | null,
  incidentId: string,
  now: number,
): 'remind' | 'skip' | 'cancel' {
  if (!f || f.incidentFlip !== incidentId || f.acknowledgedBy) return 'cancel';
  return isSnoozed(f, now) ? 'skip' : 'remind';
}

/**
 * Whether a due escalation goes out (docs/contract.md §10.2): only for the incident still open and nobody
 * took; a snooze or a maintenance window in force cancels it for good (it is not postponed), as do an
 * acknowledgement and the recovery.
 */
export function escalationDecision(
  f: IncidentFacts | null,
  incidentId: string,
  now: number,
  inMaintenance: boolean,
): 'escalate' | 'cancel' {
  if (!f || f.incidentFlip !== incidentId || f.acknowledgedBy) return 'cancel';
  return isSnoozed(f, now) || inMaintenance ? 'cancel' : 'escalate';
}

// --- what the message shows ---------------------------------------------------------------------

export interface IncidentDisplay {
  state: HealthState;
  reason: string;
  since: number;
  /** Present once the incident is over; `state` is then the state it recovered from. */
  resolved?: { state: HealthState; at: number; reason: string };
  acknowledgedBy?: string;
  /** Only a snooze still in force. */
  snoozedUntil?: number;
  /** The last report's message, only where it explains the state shown. */
  lastMessage?: string;
}

/**
 * The state an open incident's message shows now: the solution's state while it is alerting (the
 * incident's own state otherwise, e.g. a recovery not told yet), with the reason of the latest change
 * into it.
 */
export function shownState(
  f: IncidentFacts,
  incident: Pick<Change, 'to' | 'reason'>,
  latest: Pick<Change, 'to' | 'reason'> | undefined,
): { state: HealthState; reason: string } {
  const state = isAlertingState(f.state) ? f.state : incident.to;
  return { state, reason: latest && latest.to === state ? latest.reason : incident.reason };
}

/** The open incident's message: `shown` is the state told (the flip being delivered, or `shownState`). */
export function openDisplay(
  f: IncidentFacts,
  incident: Pick<Change, 'at'>,
  shown: { state: HealthState; reason: string },
  now: number,
): IncidentDisplay {
  // An unhealthy report's message says what is wrong; a healthy one never explains a problem, and no
  // report explains a silence.
  const explains = shown.state === 'unhealthy' && f.facts.lastHealthStatus === 'unhealthy';
  return {
    state: shown.state,
    reason: shown.reason,
    since: incident.at,
    acknowledgedBy: bareUser(f.acknowledgedBy),
    snoozedUntil: isSnoozed(f, now) ? f.snoozedUntil : undefined,
    lastMessage: explains && f.lastHealthMessage ? f.lastHealthMessage : undefined,
  };
}

/**
 * The resolved incident's message. It names the state the solution recovered from (as the thread reply
 * does) and strikes that state's reason: `lastBad` is the change into it, when known.
 */
export function resolvedDisplay(
  f: Pick<IncidentFacts, 'acknowledgedBy'>,
  incident: Pick<Change, 'at' | 'reason'>,
  recovery: Change,
  lastBad: Pick<Change, 'to' | 'reason'> | undefined,
): IncidentDisplay {
  return {
    state: recovery.from,
    reason: lastBad && lastBad.to === recovery.from ? lastBad.reason : incident.reason,
    since: incident.at,
    resolved: { state: recovery.to, at: recovery.at, reason: recovery.reason },
    acknowledgedBy: bareUser(f.acknowledgedBy),
  };
}
