/** The connection request in the approval channel, with Approve and Deny (or the decision, if made first). */
import { approvalRequestMessage } from '../../slack/blocks/approval-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';
import { approvalView } from './approval-view.js';

export const approvalHandler: Handler<ItemOf<'approval'>> = async (item, d) => {
  const enrollment = await d.enrollments.get(item.id);
  const rec = enrollment ? await d.solutions.get(enrollment.solutionId) : null;
  return {
    hold: async () => (enrollment && rec ? null : { held: 'enrollment or solution gone' }),
    async render() {
      if (!enrollment || !rec) return null;
      return {
        post: {
          channel: item.channel,
          solutionId: rec.solution.id,
          message: approvalRequestMessage(approvalView(enrollment, rec, d.now())),
        },
        recorded: (ts) => ({ requestChannel: item.channel, requestTs: ts as string }),
      };
    },
  };
};
