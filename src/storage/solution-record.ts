/**
 * A solution as stored: one Redis hash holding its configuration and its health facts.
 * Hashes read back from Redis are validated like any other outside input: a corrupt record is
 * reported as such, never half-used.
 */

import { z } from 'zod';
import {
  FAMILIES,
  HEALTH_STATES,
  type HealthFacts,
  type HealthState,
  type Solution,
} from '../domain/model.js';
import { optNum, optText } from './hash-fields.js';

const num = z.coerce.number().finite();

export const solutionHashSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  vendor: z.string(),
  family: z.enum(FAMILIES),
  source: z.enum(['push', 'azure']),
  description: optText,
  consoleUrl: optText,
  owner: optText,
  alertChannel: optText,
  linkedResources: z
    .string()
    .default('[]')
    .transform((v, ctx) => {
      try {
        return z.array(z.string()).parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'linkedResources is not a JSON array of strings' });
        return z.NEVER;
      }
    }),
  every: optNum,
  grace: optNum,
  unhealthyThreshold: optNum,
  lifecycle: z.enum(['discovered', 'connected', 'dismissed']),
  createdAt: num,
  connectedAt: optNum,
  version: num,
  rev: num.default(0),
  state: z.enum(HEALTH_STATES).default('not_reported'),
  stateSince: optNum,
  flipSeq: num.default(0),
  lastHealthAt: optNum,
  lastHealthStatus: z.enum(['healthy', 'unhealthy']).optional(),
  lastHealthMessage: optText,
  lastObservedAt: optNum,
  unhealthyStreak: num.default(0),
  lastEventAt: optNum,
  incidentFlip: optText,
  lastIncidentFlip: optText,
  lastResolvedAt: optNum,
  snoozedUntil: optNum,
  snoozedBy: optText,
  acknowledgedBy: optText,
  tokenHash: optText,
  azureId: optText,
  unlistedAt: optNum,
});

export interface SolutionRecord {
  solution: Solution;
  facts: HealthFacts;
  /** Incremented by every write that can change the evaluation: the evaluator's compare-and-set guard. */
  rev: number;
  state: HealthState;
  stateSince?: number;
  flipSeq: number;
  lastHealthMessage?: string;
  incidentFlip?: string;
  /** The most recent incident after it resolved, and when: a new incident soon after reopens it. */
  lastIncidentFlip?: string;
  lastResolvedAt?: number;
  /** Alerts held until this instant; `Infinity` means until the solution recovers. */
  snoozedUntil?: number;
  snoozedBy?: string;
  acknowledgedBy?: string;
  hasToken: boolean;
}

export const SNOOZE_UNTIL_RECOVERED = -1;

export function parseSolutionHash(hash: Record<string, string>): SolutionRecord {
  const h = solutionHashSchema.parse(hash);
  const solution: Solution = {
    id: h.id,
    name: h.name,
    vendor: h.vendor,
    family: h.family,
    source: h.source,
    description: h.description,
    consoleUrl: h.consoleUrl,
    owner: h.owner,
    alertChannel: h.alertChannel,
    linkedResources: h.linkedResources,
    every: h.every,
    grace: h.grace,
    unhealthyThreshold: h.unhealthyThreshold,
    lifecycle: h.lifecycle,
    createdAt: h.createdAt,
    connectedAt: h.connectedAt,
    version: h.version,
    azureId: h.azureId,
  };
  return {
    solution,
    facts: {
      connectedAt: h.connectedAt ?? h.createdAt,
      lastHealthAt: h.lastHealthAt ?? null,
      lastHealthStatus: h.lastHealthStatus ?? null,
      unhealthyStreak: h.unhealthyStreak,
      lastEventAt: h.lastEventAt ?? null,
      unlistedAt: h.unlistedAt ?? null,
    },
    rev: h.rev,
    state: h.state,
    stateSince: h.stateSince,
    flipSeq: h.flipSeq,
    lastHealthMessage: h.lastHealthMessage,
    incidentFlip: h.incidentFlip,
    lastIncidentFlip: h.lastIncidentFlip,
    lastResolvedAt: h.lastResolvedAt,
    snoozedUntil:
      h.snoozedUntil === SNOOZE_UNTIL_RECOVERED ? Number.POSITIVE_INFINITY : (h.snoozedUntil ?? undefined),
    snoozedBy: h.snoozedBy,
    acknowledgedBy: h.acknowledgedBy,
    hasToken: h.tokenHash !== undefined,
  };
}

/** The configuration fields of a solution, flattened for HSET. */
export function solutionFields(s: Solution): Record<string, string> {
  return {
    id: s.id,
    name: s.name,
    vendor: s.vendor,
    family: s.family,
    source: s.source,
    description: s.description ?? '',
    consoleUrl: s.consoleUrl ?? '',
    owner: s.owner ?? '',
    alertChannel: s.alertChannel ?? '',
    linkedResources: JSON.stringify(s.linkedResources),
    every: s.every === undefined ? '' : String(s.every),
    grace: s.grace === undefined ? '' : String(s.grace),
    unhealthyThreshold: s.unhealthyThreshold === undefined ? '' : String(s.unhealthyThreshold),
    lifecycle: s.lifecycle,
    createdAt: String(s.createdAt),
    connectedAt: s.connectedAt === undefined ? '' : String(s.connectedAt),
    version: String(s.version),
    azureId: s.azureId ?? '',
  };
}
