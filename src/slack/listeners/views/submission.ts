/**
 * What the modal submissions share. A submission is answered in its ack: nothing (the modal closes) or
 * errors keyed by input block, shown under each field. The modal's private_metadata says which solution
 * at which version; it is validated like any other input.
 */
import type { AllMiddlewareArgs, Middleware, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ConfigPatch } from '../../../services/solution-service.js';
import { modalRef, parseValue } from '../../action-values.js';
import type { SlackDeps } from '../../slack-deps.js';
import { checkApprover, notApproverText } from '../actions/approver-gate.js';

export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
export type SubmissionListener = Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>;
export type FieldErrors = Record<string, string>;

export interface Submission {
  user: string;
  meta: { s: string; v: number; c?: string };
  /** The raw state of one input: its typed text or its selection, null when empty. */
  input(blockId: string): string | null;
  args: SubmissionArgs;
}

function read(args: SubmissionArgs, blockId: string): string | null {
  const block = args.view.state.values[blockId];
  const state = block?.[blockId] ?? (block ? Object.values(block)[0] : undefined);
  if (!state) return null;
  const v = state.value ?? state.selected_conversation ?? state.selected_channel ?? state.selected_user;
  return typeof v === 'string' ? v : null;
}

/** A submission's outcome: field errors keep the modal open; otherwise what to tell the submitter. */
export type Outcome = { errors: FieldErrors } | { saved: string };

/**
 * Wraps a submission handler: the wrapper acks with its field errors, or closes the modal and tells the
 * submitter what was saved. A failure is logged and shown on `fallbackField`, never as Slack's generic error.
 */
export function onSubmit(
  deps: SlackDeps,
  name: string,
  fallbackField: string,
  handle: (s: Submission) => Promise<Outcome>,
): SubmissionListener {
  return async (raw) => {
    const args = raw as SubmissionArgs;
    const user = args.body.user.id;
    const meta = parseValue(modalRef, args.view.private_metadata);
    if (!meta) {
      await args.ack({
        response_action: 'errors',
        errors: { [fallbackField]: 'This form is not valid any more. Close it and start again.' },
      });
      return;
    }
    const submission: Submission = { user, meta, args, input: (blockId) => read(args, blockId) };
    let outcome: Outcome;
    try {
      outcome = await handle(submission);
    } catch (err) {
      deps.logger.error(
        { view: name, userId: user, solutionId: meta.s, err: (err as Error).message },
        'modal submission failed',
      );
      outcome = {
        errors: { [fallbackField]: 'Something went wrong while saving. Please try again in a moment.' },
      };
    }
    if ('errors' in outcome) {
      await args.ack({ response_action: 'errors', errors: outcome.errors });
      return;
    }
    await args.ack();
    // Told in the channel the modal was opened from, when there was one (best effort).
    if (meta.c) {
      await args.client.chat
        .postEphemeral({ channel: meta.c, user, text: outcome.saved })
        .catch((err: Error) =>
          deps.logger.warn({ view: name, err: err.message }, 'could not tell the submitter'),
        );
    }
  };
}

/**
 * Saves a configuration change for an approver, at the version the modal was opened on. Errors go under
 * `field`; every outcome but a validation error is audited.
 */
export async function saveAsApprover(
  deps: SlackDeps,
  s: Submission,
  field: string,
  change: { action: string; verb: string; patch: ConfigPatch; detail: string },
): Promise<FieldErrors | null> {
  const { action, verb, patch, detail } = change;
  if (!(await checkApprover(deps, s.user, { action, solutionId: s.meta.s, detail }))) {
    return { [field]: notApproverText(deps, verb) };
  }
  const result = await deps.solutions.configure(s.meta.s, patch, s.meta.v, {
    actor: `slack:${s.user}`,
    action,
    detail,
  });
  if (result === 'missing') return { [field]: 'This solution was deleted since you opened this form.' };
  if (result === 'name-taken') {
    const holder = typeof patch.name === 'string' ? await deps.solutions.holderOf(patch.name) : null;
    return {
      [field]: `Another solution already has this name${holder ? ` (id ${holder})` : ''}. Names are unique: choose another.`,
    };
  }
  if (result === 'stale') {
    return {
      [field]:
        'This solution changed since you opened this form (someone else saved first). Close the form and open it again to see the current settings.',
    };
  }
  return null;
}
