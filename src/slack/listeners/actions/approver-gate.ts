/**
 * Approver-only actions (configure, link, delete, connect, approve, deny). A refusal changes nothing but
 * the audit trail: who tried what is worth keeping.
 */
import type { SlackDeps } from '../../slack-deps.js';
import type { Click } from './click.js';

export interface Attempt {
  /** The audited action, e.g. 'solution.delete'. */
  action: string;
  solutionId?: string;
  detail?: string;
}

/** True for an approver; otherwise audits the refused attempt and returns false. */
export async function checkApprover(deps: SlackDeps, userId: string, attempt: Attempt): Promise<boolean> {
  if (await deps.approvers.isApprover(userId)) return true;
  await deps.solutions.refused({
    actor: `slack:${userId}`,
    action: attempt.action,
    solutionId: attempt.solutionId,
    detail: attempt.detail ? `not an approver; ${attempt.detail}` : 'not an approver',
  });
  deps.logger.info(
    { userId, action: attempt.action, solutionId: attempt.solutionId },
    'refused: not an approver',
  );
  return false;
}

export function notApproverText(deps: SlackDeps, verb: string): string {
  return deps.approvers.configured
    ? `Only secsol approvers can ${verb}. Nothing was changed.`
    : `Only secsol approvers can ${verb}, and none are configured (SECSOL_APPROVERS). Nothing was changed.`;
}

/** The approver check for a click: refuses privately when the user is not an approver. */
export async function requireApprover(
  deps: SlackDeps,
  click: Click,
  verb: string,
  attempt: Attempt,
): Promise<boolean> {
  if (await checkApprover(deps, click.user, attempt)) return true;
  await click.tell(notApproverText(deps, verb));
  return false;
}
