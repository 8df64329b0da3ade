/** The public API's request bodies (docs/contract.md §6). Strict: unknown keys are refused, not ignored. */
import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { FAMILIES, SEVERITIES } from '../domain/model.js';
import {
  INVISIBLE,
  INVISIBLE_IN_PROSE,
  INVISIBLE_IN_PROSE_REASON,
  INVISIBLE_REASON,
} from '../domain/text-rules.js';
import { AppError, type Issue } from '../errors.js';

const FUTURE_SKEW_MS = 5 * 60_000;

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !INVISIBLE.test(v), INVISIBLE_REASON);
const prose = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !INVISIBLE_IN_PROSE.test(v), INVISIBLE_IN_PROSE_REASON);
const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .describe('an http(s) URL');

/** An ISO 8601 time, refused when more than 5 minutes in the future. Parsed to epoch ms. */
export const timestamp = (now: () => number) =>
  z.iso.datetime({ offset: true }).transform((v, ctx) => {
    const ms = Date.parse(v);
    if (ms > now() + FUTURE_SKEW_MS) {
      ctx.addIssue({ code: 'custom', message: 'is more than 5 minutes in the future' });
      return z.NEVER;
    }
    return ms;
  });

const durationText = z.string().transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'is not a duration like 90s, 15m, 1h or 14d' });
    return z.NEVER;
  }
  return ms;
});

/** A solution's owner: a Slack user id (U…, W…) or user-group id (S…), so alerts can mention it. */
export const ownerId = z
  .string()
  .regex(/^([UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/, 'must be a Slack user ID (U…) or user-group ID (S…)')
  .max(40);

export const enrollBody = z
  .object({
    name: text(200),
    vendor: text(200),
    family: z.enum(FAMILIES).optional(),
    consoleUrl: httpUrl.optional(),
    description: prose(2000).optional(),
    owner: ownerId.optional(),
  })
  .strict();

export const createSolutionBody = enrollBody
  .extend({
    expectedEvery: durationText.optional(),
    grace: durationText.optional(),
    alertChannel: z
      .string()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel ID like C0123ABCD')
      .optional(),
  })
  .strict();

export const healthBody = (now: () => number) =>
  z
    .object({
      status: z.enum(['healthy', 'unhealthy']),
      message: prose(2000).optional(),
      observedAt: timestamp(now).optional(),
      details: z.record(z.string().max(200), z.unknown()).optional(),
    })
    .strict();

export const eventsBody = (now: () => number) =>
  z
    .object({
      events: z
        .array(
          z
            .object({
              id: z
                .string()
                .regex(/^[A-Za-z0-9_.:@/-]{1,200}$/, 'letters, digits and _ . : @ / - only, at most 200')
                .optional(),
              severity: z.enum(SEVERITIES),
              title: text(500),
              description: prose(5000).optional(),
              resource: prose(1000).optional(),
              observedAt: timestamp(now).optional(),
              properties: z.record(z.string().max(200), z.unknown()).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(500),
    })
    .strict();

/** Names of unknown fields are the client's own text: show a few, shortened. */
function unknownKeys(keys: string[]): string {
  const shown = keys.slice(0, 10).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k));
  return `unknown field(s): ${shown.join(', ')}${keys.length > 10 ? ` and ${keys.length - 10} more` : ''}`;
}

/** Validates with a schema; a failure is a 400 listing every field path, without echoing the input. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues: Issue[] = parsed.error.issues.map((i) => {
    // zod puts a bad record key itself at the end of the path: that is input, not a field name.
    const path = i.code === 'invalid_key' ? i.path.slice(0, -1) : i.path;
    return {
      path: path.length > 0 ? path.join('.') : '(body)',
      message:
        i.code === 'unrecognized_keys'
          ? unknownKeys(i.keys)
          : i.code === 'invalid_key'
            ? `has an invalid key: ${i.issues[0]?.message ?? 'not allowed'}`
            : i.message,
    };
  });
  throw new AppError('secsol_invalid_request', 'the request body is invalid', { issues });
}
