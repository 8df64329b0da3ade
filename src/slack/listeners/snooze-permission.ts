/** Who may mute alerts: a setting, because a silent snooze by anyone is how an incident gets lost. */
import type { SlackDeps } from '../slack-deps.js';
import type { Attempt } from './actions/approver-gate.js';

/**
 * Whether a user may snooze or unsnooze alerts (SECSOL_SNOOZERS: anyone, the approvers, or user groups);
 * a refusal is audited like an approver-only action.
 */
export async function maySnooze(deps: SlackDeps, userId: string, attempt: Attempt): Promise<boolean> {
  if (!deps.snoozers || (await deps.snoozers.isApprover(userId))) return true;
  await deps.solutions.refused({
    actor: `slack:${userId}`,
    action: attempt.action,
    solutionId: attempt.solutionId,
    detail: attempt.detail ? `not allowed to snooze; ${attempt.detail}` : 'not allowed to snooze',
  });
  return false;
}

export const NOT_A_SNOOZER =
  'You are not allowed to snooze or unsnooze alerts here (SECSOL_SNOOZERS). Nothing was changed.';
