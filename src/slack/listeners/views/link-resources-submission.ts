/**
 * The Link resources modal's Save: one resource ID per line (blank lines and repeats dropped), at most
 * 50, each at most 300 characters; the list replaces the solution's linked resources at the version the
 * modal was opened on.
 */
import { z } from 'zod';
import { INVISIBLE } from '../../../domain/text-rules.js';
import { CALLBACK } from '../../action-values.js';
import { LINK_FIELD, RESOURCE_MAX_CHARS, RESOURCES_MAX } from '../../blocks/modal-blocks.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { onSubmit, type SubmissionListener, saveAsApprover } from './submission.js';

const resourceId = z
  .string()
  .max(RESOURCE_MAX_CHARS, `is longer than ${RESOURCE_MAX_CHARS} characters`)
  .refine((v) => !INVISIBLE.test(v), 'contains control or invisible formatting characters');

export const resourceListSchema = z
  .string()
  .nullable()
  .transform((v) => [
    ...new Set(
      (v ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== ''),
    ),
  ])
  .pipe(z.array(resourceId).max(RESOURCES_MAX, `At most ${RESOURCES_MAX} resource IDs, one per line.`));

/** The resource list, or the message shown under the field. */
export function parseResources(raw: string | null): { resources: string[] } | { error: string } {
  const parsed = resourceListSchema.safeParse(raw);
  if (parsed.success) return { resources: parsed.data };
  const issue = parsed.error.issues[0];
  const index = issue?.path.find((p) => typeof p === 'number');
  if (typeof index === 'number')
    return { error: `Resource ${index + 1} ${issue?.message ?? 'is not valid'}.` };
  return { error: issue?.message ?? 'Not valid.' };
}

export function linkResourcesSubmission(deps: SlackDeps): SubmissionListener {
  return onSubmit(deps, CALLBACK.link, LINK_FIELD, async (s) => {
    const parsed = parseResources(s.input(LINK_FIELD));
    if ('error' in parsed) return { errors: { [LINK_FIELD]: parsed.error } };
    const count = parsed.resources.length;
    const errors = await saveAsApprover(deps, s, LINK_FIELD, {
      action: 'solution.link',
      verb: 'link resources',
      patch: { linkedResources: parsed.resources },
      detail: `${count} linked resource${count === 1 ? '' : 's'}`,
    });
    if (errors) return { errors };
    const record = await deps.status.get(s.meta.s);
    const name = record ? `*${escTrunc(oneLine(record.solution.name), 150)}*` : `\`${s.meta.s}\``;
    return {
      saved:
        count === 0
          ? `:link: ${name} has no linked resources any more.`
          : `:link: ${name} now has ${count} linked resource${count === 1 ? '' : 's'}.`,
    };
  });
}
