/**
 * The Configure modal's Save: every field validated (errors shown under the field), then one change at
 * the version the modal was opened on, by an approver, audited. Empty optional fields clear the setting,
 * so the global default applies again.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from '../../../domain/duration.js';
import type { Solution } from '../../../domain/model.js';
import { INVISIBLE } from '../../../domain/text-rules.js';
import type { ConfigPatch } from '../../../services/solution-service.js';
import { CALLBACK } from '../../action-values.js';
import {
  CONFIGURE_FIELDS,
  type ConfigureField,
  isGroupId,
  isUserId,
  NAME_MAX,
  URL_MAX,
} from '../../blocks/modal-blocks.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { type FieldErrors, onSubmit, type SubmissionListener, saveAsApprover } from './submission.js';

const SECOND = 1000;
const DAY = 86_400_000;
export const EVERY_RANGE = { min: 10 * SECOND, max: 30 * DAY };
export const GRACE_RANGE = { min: 0, max: 30 * DAY };

const text = z
  .string()
  .nullable()
  .transform((v) => (v ?? '').trim());

const optionalDuration = (range: { min: number; max: number }) =>
  text.transform((v, ctx) => {
    if (v === '') return null;
    const ms = parseDuration(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: 'Enter a duration like 90s, 15m, 1h or 1d.' });
      return z.NEVER;
    }
    if (ms < range.min || ms > range.max) {
      const low = range.min === 0 ? '0s' : formatDuration(range.min);
      ctx.addIssue({
        code: 'custom',
        message: `Enter a duration from ${low} to ${formatDuration(range.max)}.`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** One schema per field, so that each error lands under its own field. */
export const configureFieldSchemas = {
  name: text.pipe(
    z
      .string()
      .min(1, 'A name is required.')
      .max(NAME_MAX, `At most ${NAME_MAX} characters.`)
      // The API's rule (domain/text-rules.ts).
      .refine(
        (v) => !INVISIBLE.test(v),
        'The name cannot contain control, bidirectional, zero-width, blank or private-use characters.',
      ),
  ),
  consoleUrl: text.pipe(
    z
      .string()
      .max(URL_MAX, `At most ${URL_MAX} characters.`)
      .refine(
        (v) => v === '' || /^https?:\/\/[^\s<>|]+$/.test(v),
        'Enter an http:// or https:// URL, or leave the field empty.',
      )
      .transform((v) => (v === '' ? null : v)),
  ),
  every: optionalDuration(EVERY_RANGE),
  grace: optionalDuration(GRACE_RANGE),
  alertChannel: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}$/, 'Choose a channel (not a direct message), or leave the field empty.')
    .nullable(),
  owner: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'Choose a person, or leave the field empty.')
    .nullable(),
  ownerGroup: text.pipe(
    z
      .string()
      .regex(/^(S[A-Z0-9]{2,})?$/, 'Enter a user-group ID like S0123ABCD, or leave the field empty.')
      .transform((v) => (v === '' ? null : v)),
  ),
  threshold: text.transform((v, ctx) => {
    if (v === '') return null;
    const n = /^\d{1,3}$/.test(v) ? Number(v) : Number.NaN;
    if (!(n >= 1 && n <= 100)) {
      ctx.addIssue({ code: 'custom', message: 'Enter a whole number from 1 to 100.' });
      return z.NEVER;
    }
    return n;
  }),
} satisfies Record<ConfigureField, z.ZodType>;

type Parsed = { [K in ConfigureField]: z.output<(typeof configureFieldSchemas)[K]> };

/** Validates the submitted fields: the patch, or the errors keyed by input block id. */
export function parseConfigure(
  input: (blockId: string) => string | null,
): { patch: Parsed } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const out: Partial<Record<ConfigureField, unknown>> = {};
  for (const field of Object.keys(configureFieldSchemas) as ConfigureField[]) {
    const parsed = configureFieldSchemas[field].safeParse(input(CONFIGURE_FIELDS[field]));
    if (parsed.success) out[field] = parsed.data;
    else errors[CONFIGURE_FIELDS[field]] = parsed.error.issues[0]?.message ?? 'Not valid.';
  }
  return Object.keys(errors).length > 0 ? { errors } : { patch: out as Parsed };
}

function changedFields(current: Solution, patch: ConfigPatch): string[] {
  return (Object.keys(patch) as (keyof ConfigPatch)[]).filter(
    (k) => patch[k] !== undefined && (patch[k] ?? undefined) !== current[k],
  );
}

export function configureSubmission(deps: SlackDeps): SubmissionListener {
  return onSubmit(deps, CALLBACK.configure, CONFIGURE_FIELDS.name, async (s) => {
    const parsed = parseConfigure(s.input);
    if ('errors' in parsed) return parsed;
    const p = parsed.patch;
    const current = await deps.status.get(s.meta.s);
    // An owner set as free text (admin API) cannot be shown in a user picker: an empty picker keeps it.
    const currentOwner = current?.solution.owner;
    const keepOwner =
      p.owner === null &&
      p.ownerGroup === null &&
      currentOwner !== undefined &&
      !isUserId(currentOwner) &&
      !isGroupId(currentOwner);
    const patch: ConfigPatch = {
      name: p.name,
      consoleUrl: p.consoleUrl,
      every: p.every,
      grace: p.grace,
      alertChannel: p.alertChannel,
      // A user group wins over the person picked (docs/contract.md §10.2: either may own a solution).
      owner: keepOwner ? undefined : (p.ownerGroup ?? p.owner),
      unhealthyThreshold: p.threshold,
    };
    const changed = current ? changedFields(current.solution, patch) : [];
    const errors = await saveAsApprover(deps, s, CONFIGURE_FIELDS.name, {
      action: 'solution.configure',
      verb: 'configure solutions',
      patch,
      detail: changed.length > 0 ? `changed ${changed.join(', ')}` : 'no change',
    });
    if (errors) return { errors };
    const name = escTrunc(oneLine(p.name), 150);
    return {
      saved:
        changed.length > 0
          ? `:white_check_mark: Saved *${name}* (${changed.join(', ')}).`
          : `Saved *${name}*: nothing changed.`,
    };
  });
}
