/**
 * The health rules of docs/contract.md §3, as pure functions of the facts and `now`.
 *
 * Boundaries are inclusive on the "still fine" side, exactly as the spec writes them:
 * a report is fresh while `now - lastHealthAt <= every + grace`, and an event counts while
 * `now - lastEventAt <= window`. So each state changes at the first millisecond after its deadline,
 * and `deadline` below is that millisecond: the worker re-evaluates a solution no earlier than it.
 */
import { formatDuration } from './duration.js';
import type { Cadence, HealthFacts, HealthState, Source } from './model.js';

export interface HealthPolicy extends Cadence {
  /** The seed's no-data window (14 days by default). */
  silenceWindow: number;
  /** Consecutive unhealthy reports needed before the state is Unhealthy (flapping control). */
  unhealthyThreshold: number;
  /**
   * Since when secsol has been able to receive reports (after its own outage). Silence before then is not
   * held against a solution: its reporting clock restarts at this instant (Alertmanager's startup grace).
   */
  reportingSince?: number;
  /**
   * The same grace for the solutions read from Defender for Cloud (`source: 'azure'`): since when the
   * connector has read Azure without a gap. A failing connector is secsol's silence, not the solutions'.
   */
  azureSince?: number;
}

export interface Evaluation {
  state: HealthState;
  /** Why, in words a security engineer reads at a glance. */
  reason: string;
  /** When the next health report is expected, if the solution has reported before. */
  nextDueAt: number | null;
  /** The first instant at which the state changes if nothing new arrives; null when only new input changes it. */
  deadline: number | null;
}

export function evaluate(facts: HealthFacts, policy: HealthPolicy, now: number): Evaluation {
  const { every, grace, silenceWindow: window } = policy;

  if (facts.unlistedAt !== undefined && facts.unlistedAt !== null) {
    const last = facts.lastHealthAt ?? facts.lastEventAt;
    return {
      state: 'stopped_reporting',
      reason: `Defender for Cloud no longer lists it (since ${formatDuration(Math.max(0, now - facts.unlistedAt))} ago)${last === null ? '' : `; last heard of ${formatDuration(Math.max(0, now - last))} ago`}`,
      nextDueAt: null,
      deadline: null,
    };
  }

  if (facts.lastHealthAt !== null && facts.lastHealthStatus !== null) {
    const age = now - facts.lastHealthAt;
    // Liveness counts from the last report, or from when secsol could receive reports again if later.
    const since = Math.max(facts.lastHealthAt, policy.reportingSince ?? facts.lastHealthAt);
    const nextDueAt = since + every;
    const expected = `expected every ${formatDuration(every)}`;
    if (now - since > every + grace) {
      return {
        state: 'stopped_reporting',
        reason: `last health report ${formatDuration(age)} ago, ${expected}`,
        nextDueAt,
        deadline: null,
      };
    }
    const deadline = since + every + grace + 1;
    if (facts.lastHealthStatus === 'healthy') {
      return { state: 'healthy', reason: `healthy report ${formatDuration(age)} ago`, nextDueAt, deadline };
    }
    const streak = facts.unhealthyStreak;
    const threshold = Math.max(1, policy.unhealthyThreshold);
    if (streak >= threshold) {
      const count = streak === 1 ? 'unhealthy report' : `${streak} unhealthy reports in a row, last`;
      return { state: 'unhealthy', reason: `${count} ${formatDuration(age)} ago`, nextDueAt, deadline };
    }
    return {
      state: 'healthy',
      reason: `${streak} of ${threshold} unhealthy reports needed before alerting, last ${formatDuration(age)} ago`,
      nextDueAt,
      deadline,
    };
  }

  // No health data: the seed's 14-day rule.
  if (facts.lastEventAt !== null) {
    const age = now - facts.lastEventAt;
    if (age <= window) {
      return {
        state: 'not_reported',
        reason: `no health data; last event ${formatDuration(age)} ago`,
        nextDueAt: null,
        deadline: facts.lastEventAt + window + 1,
      };
    }
    return {
      state: 'stopped_reporting',
      reason: `no health data and no event in ${formatDuration(window)}; last event ${formatDuration(age)} ago`,
      nextDueAt: null,
      deadline: null,
    };
  }
  const connectedFor = now - facts.connectedAt;
  if (connectedFor > window) {
    return {
      state: 'stopped_reporting',
      reason: `no health data and no event since it was connected ${formatDuration(connectedFor)} ago`,
      nextDueAt: null,
      deadline: null,
    };
  }
  return {
    state: 'not_reported',
    reason: `connected ${formatDuration(connectedFor)} ago, waiting for its first report (still deploying?)`,
    nextDueAt: null,
    deadline: facts.connectedAt + window + 1,
  };
}

/**
 * The defaults with the startup grace in force (unchanged when there is none), and the Defender for Cloud
 * connector's own grace for the solutions it reads.
 */
export function withReportingSince(
  defaults: HealthPolicy,
  reportingSince: number | undefined,
  azureSince?: number,
): HealthPolicy {
  if (reportingSince === undefined && azureSince === undefined) return defaults;
  return {
    ...defaults,
    ...(reportingSince === undefined ? {} : { reportingSince }),
    ...(azureSince === undefined ? {} : { azureSince }),
  };
}

/** The later of two optional instants. */
function later(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}

/**
 * The policy for one solution: its own cadence where set, the global defaults elsewhere. A solution read
 * from Defender for Cloud also gets the connector's grace: its silence while the connector could not read
 * Azure is not held against it.
 */
export function policyFor(
  solution: { every?: number; grace?: number; unhealthyThreshold?: number; source?: Source },
  defaults: HealthPolicy,
): HealthPolicy {
  return {
    every: solution.every ?? defaults.every,
    grace: solution.grace ?? defaults.grace,
    silenceWindow: defaults.silenceWindow,
    unhealthyThreshold: solution.unhealthyThreshold ?? defaults.unhealthyThreshold,
    reportingSince:
      solution.source === 'azure'
        ? later(defaults.reportingSince, defaults.azureSince)
        : defaults.reportingSince,
  };
}

/**
 * Which flips are worth a Slack message. Into Unhealthy or Stopped reporting opens (or escalates) an
 * incident; leaving those states for Healthy or Not reported resolves it. Not reported -> Healthy is the
 * normal end of a deployment and says nothing.
 */
export type FlipKind = 'incident' | 'escalation' | 'recovery' | 'quiet';

export function flipKind(from: HealthState, to: HealthState): FlipKind {
  const wasBad = from === 'unhealthy' || from === 'stopped_reporting';
  const isBad = to === 'unhealthy' || to === 'stopped_reporting';
  if (isBad && wasBad) return 'escalation';
  if (isBad) return 'incident';
  if (wasBad) return 'recovery';
  return 'quiet';
}
