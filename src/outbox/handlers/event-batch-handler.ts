/** A burst of security events from one solution, as one message. */
import { eventBatchMessage } from '../../slack/blocks/alert-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const eventBatchHandler: Handler<ItemOf<'event-batch'>> = async (batch, d) => ({
  async render() {
    const rec = await d.solutions.get(batch.solutionId);
    const solution = { id: batch.solutionId, name: rec?.solution.name ?? batch.solutionId };
    return {
      post: {
        channel: batch.channel,
        solutionId: batch.solutionId,
        message: eventBatchMessage(solution, batch.events),
      },
    };
  },
});
