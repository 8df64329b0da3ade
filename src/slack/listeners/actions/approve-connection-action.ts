/**
 * Approve and Deny on a connection request: approvers only, exactly once. The decision is a compare-and-set
 * in Redis (on the enrollment's status and the solution's version), so when two approvers click together
 * one decision applies and the other approver learns who was first. The request message is edited once,
 * through the outbox, by the service (the same path as a decision made through the admin API).
 */
import { ACTION, enrollmentRef, parseValue } from '../../action-values.js';
import { actorText } from '../../blocks/approval-blocks.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { deletedMessage } from '../../stale-click.js';
import { requireApprover } from './approver-gate.js';
import { type ActionListener, INVALID_BUTTON, onClick } from './click.js';

type Verdict = 'approved' | 'denied';

function decideAction(deps: SlackDeps, actionId: string, verdict: Verdict): ActionListener {
  const audited = verdict === 'approved' ? 'connection.approve' : 'connection.deny';
  return onClick(deps, actionId, async (click) => {
    const ref = parseValue(enrollmentRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    const attempt = { action: audited, solutionId: ref.s, detail: ref.e };
    if (!(await requireApprover(deps, click, 'approve or deny connection requests', attempt))) return;

    const refuse = async (why: string, text: string) => {
      await deps.solutions.refused({
        actor: click.actor,
        action: audited,
        solutionId: ref.s,
        detail: `${why}; ${ref.e}`,
      });
      await click.tell(text);
    };
    const enrollment = await deps.requests.enrollment(ref.e);
    if (!enrollment) {
      return refuse(
        'unknown enrollment',
        'This connection request does not exist any more (it expired or was removed). Nothing was changed.',
      );
    }
    if (enrollment.solutionId !== ref.s) {
      return refuse(
        'enrollment of another solution',
        'This button does not match its connection request. Nothing was changed.',
      );
    }

    const result = await deps.requests.decide(ref.e, verdict, click.actor, { expectedVersion: ref.v });
    if (result.applied) return;
    const record = await deps.status.get(ref.s);
    const name = record ? `*${escTrunc(oneLine(record.solution.name), 150)}*` : `\`${ref.s}\``;
    switch (result.status) {
      case 'approved':
      case 'denied':
        return click.tell(`Already ${result.status} by ${actorText(result.decidedBy)}. Nothing was changed.`);
      case 'cancelled':
        return click.tell(
          `This request was cancelled: its solution was deleted by ${actorText(result.decidedBy)}. Nothing was changed.`,
        );
      case 'missing':
        return click.tell(deletedMessage(ref.s).text);
      case 'stale':
        return click.tell(
          `${name} changed since this request was posted (it is now ${record?.solution.lifecycle ?? 'gone'}). Nothing was changed.`,
        );
      default:
        return click.tell(`This request could not be ${verdict}. Nothing was changed.`);
    }
  });
}

export function approveConnectionAction(deps: SlackDeps): ActionListener {
  return decideAction(deps, ACTION.approve, 'approved');
}

export function denyConnectionAction(deps: SlackDeps): ActionListener {
  return decideAction(deps, ACTION.deny, 'denied');
}
