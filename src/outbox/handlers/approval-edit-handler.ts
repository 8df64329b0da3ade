/**
 * Shows a decision (made in Slack or through the admin API) in the request message. It waits for the
 * request to be on record; a request that was never posted has nothing to edit.
 */

import type { SlackMessage } from '../../slack/blocks/alert-blocks.js';
import { approvalRequestMessage, cancelledRequestMessage } from '../../slack/blocks/approval-blocks.js';
import type { ItemOf } from '../kinds.js';
import { FINAL, type Handler, RetryLater } from '../pipeline.js';
import { approvalView } from './approval-view.js';

export const approvalEditHandler: Handler<ItemOf<'approval-edit'>> = async (edit, d) => {
  await d.delivery.releaseEdit(edit.enrollmentId, edit.id);
  const enrollment = await d.enrollments.get(edit.enrollmentId);
  const rec = enrollment ? await d.solutions.get(enrollment.solutionId) : null;
  // A request cancelled by its solution's delete is shown from what the request recorded.
  const cancelled = enrollment?.status === 'cancelled';
  return {
    async hold() {
      if (!enrollment || (!rec && !cancelled)) return { held: 'enrollment or solution gone' };
      if (enrollment.requestTs) return null;
      const request = await d.delivery.getItem(d.outbox.address({ kind: 'approval', itemId: enrollment.id }));
      if (request && !FINAL.has(request.delivery ?? '')) throw new RetryLater(1000);
      return { held: 'request message never posted' };
    },
    async render() {
      if (!enrollment?.requestTs) return null;
      let message: SlackMessage;
      if (cancelled) {
        message = cancelledRequestMessage({
          solutionId: enrollment.solutionId,
          solutionName: enrollment.solutionName,
          requestedBy: enrollment.requestedBy,
          requestedAt: enrollment.createdAt,
          cancelledBy: enrollment.decidedBy ?? 'secsol',
          cancelledAt: enrollment.decidedAt ?? d.now(),
        });
      } else if (rec) {
        message = approvalRequestMessage(approvalView(enrollment, rec, d.now()));
      } else {
        return null;
      }
      return {
        update: { channel: enrollment.requestChannel ?? edit.channel, ts: enrollment.requestTs, message },
      };
    },
  };
};
