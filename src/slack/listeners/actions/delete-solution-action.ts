/**
 * Delete (behind Slack's confirmation dialog): approvers only, on the version the clicker saw. The
 * message then says who deleted it, so nobody clicks its other buttons in vain.
 */
import { ACTION, parseValue, versionedRef } from '../../action-values.js';
import { mentionUser } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { checkFreshness, deletedMessage, refuseStale } from '../../stale-click.js';
import { requireApprover } from './approver-gate.js';
import { type ActionListener, INVALID_BUTTON, onClick } from './click.js';
import { currentSolutionView, VIEW_ACTIONS_BLOCK } from './current-state.js';

export function deleteSolutionAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.delete, async (click) => {
    const ref = parseValue(versionedRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    const attempt = { action: 'solution.delete', solutionId: ref.s };
    if (!(await requireApprover(deps, click, 'delete solutions', attempt))) return;
    const fresh = await checkFreshness(deps.status, ref);
    if (fresh.kind !== 'fresh') {
      const current = fresh.kind === 'changed' ? await currentSolutionView(deps, fresh.record) : null;
      return refuseStale(fresh, click, { current, inPlace: click.blockId === VIEW_ACTIONS_BLOCK });
    }
    const name = fresh.record.solution.name;
    if (!(await deps.solutions.delete(ref.s, click.actor))) {
      return click.tell(deletedMessage(ref.s, { name }).text);
    }
    const done = deletedMessage(ref.s, { name, by: mentionUser(click.user) });
    if (!(await click.replace(done))) await click.tell(done.text, done.blocks);
  });
}
