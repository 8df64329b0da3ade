/** The domain vocabulary (docs/contract.md §2). Plain data: no Slack, HTTP, queue or storage types here. */

export const FAMILIES = ['waf', 'ngfw', 'va', 'edr', 'identity', 'siem', 'other'] as const;
export type Family = (typeof FAMILIES)[number];

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const HEALTH_STATES = ['healthy', 'unhealthy', 'stopped_reporting', 'not_reported'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export type ReportStatus = 'healthy' | 'unhealthy';
export type Lifecycle = 'discovered' | 'connected' | 'dismissed';
export type Source = 'push' | 'azure';

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Worst first: the order `/secsol status` lists solutions in. */
export const STATE_ORDER: Record<HealthState, number> = {
  unhealthy: 0,
  stopped_reporting: 1,
  not_reported: 2,
  healthy: 3,
};

export const STATE_LABEL: Record<HealthState, string> = {
  healthy: 'Healthy',
  unhealthy: 'Unhealthy',
  stopped_reporting: 'Stopped reporting',
  not_reported: 'Not reported',
};

/** A flip into one of these opens an incident (a channel alert). */
export function isAlertingState(state: HealthState): boolean {
  return state === 'unhealthy' || state === 'stopped_reporting';
}

export interface Cadence {
  /** Expected interval between health reports, ms. */
  every: number;
  /** Extra time allowed after `every` before the solution counts as stopped, ms. */
  grace: number;
}

export interface Solution {
  id: string;
  name: string;
  vendor: string;
  family: Family;
  source: Source;
  description?: string;
  consoleUrl?: string;
  owner?: string;
  alertChannel?: string;
  linkedResources: string[];
  /** Per-solution cadence; unset fields fall back to the global defaults. */
  every?: number;
  grace?: number;
  unhealthyThreshold?: number;
  lifecycle: Lifecycle;
  createdAt: number;
  connectedAt?: number;
  /** Bumped on every change of configuration or lifecycle: buttons carry it to refuse stale clicks. */
  version: number;
  /** For `source: 'azure'`: the Azure Resource Manager id it was read from. */
  azureId?: string;
}

/** What the health rules need to know about a solution's reporting, all times in ms since the epoch. */
export interface HealthFacts {
  connectedAt: number;
  lastHealthAt: number | null;
  lastHealthStatus: ReportStatus | null;
  unhealthyStreak: number;
  lastEventAt: number | null;
  /**
   * For a solution read from Defender for Cloud: since when Defender for Cloud no longer lists it. It is kept
   * (not deleted silently), no longer read, and shown as Stopped reporting with that reason.
   */
  unlistedAt?: number | null;
}

export interface HealthReport {
  status: ReportStatus;
  message?: string;
  details?: Record<string, unknown>;
  observedAt: number;
  receivedAt: number;
}

export interface SecurityEvent {
  id: string;
  solutionId: string;
  severity: Severity;
  title: string;
  description?: string;
  resource?: string;
  observedAt: number;
  receivedAt: number;
  properties?: Record<string, unknown>;
}

export interface Flip {
  id: string;
  solutionId: string;
  from: HealthState;
  to: HealthState;
  at: number;
  reason: string;
}
