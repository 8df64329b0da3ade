/**
 * The escalation variables (docs/contract.md §10.2), parsed beside config.ts: how long an incident may stay
 * unacknowledged, where the escalation goes and whom it mentions.
 */
import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';

const unset = (v: string | undefined) => v === undefined || v.trim() === '';

export const routingEnv = {
  /** `0` turns escalation off. */
  SECSOL_ESCALATE_AFTER: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = unset(v) ? '30m' : (v as string).trim();
      if (text === '0') return 0;
      const ms = parseDuration(text);
      if (ms === null || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 15m, 1h, or 0 (off)` });
        return z.NEVER;
      }
      return ms;
    }),
  SECSOL_ESCALATION_CHANNEL: z
    .string()
    .optional()
    .transform((v) => (unset(v) ? undefined : (v as string).trim()))
    .pipe(
      z
        .string()
        .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID like C0123ABCD')
        .optional(),
    ),
  SECSOL_ESCALATION_USERGROUP: z
    .string()
    .optional()
    .transform((v) => (unset(v) ? undefined : (v as string).trim()))
    .pipe(
      z
        .string()
        .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user-group ID like S0123ABCD')
        .optional(),
    ),
};

export interface RoutingConfig {
  /** ms; 0 when escalation is off. */
  readonly escalateAfter: number;
  /** Where escalations go; unset: the incident's own thread. */
  readonly escalationChannel?: string;
  readonly escalationUsergroup?: string;
}

type RoutingEnv = z.output<z.ZodObject<typeof routingEnv>>;

export function routingConfig(e: RoutingEnv): RoutingConfig {
  return {
    escalateAfter: e.SECSOL_ESCALATE_AFTER,
    escalationChannel: e.SECSOL_ESCALATION_CHANNEL,
    escalationUsergroup: e.SECSOL_ESCALATION_USERGROUP,
  };
}
