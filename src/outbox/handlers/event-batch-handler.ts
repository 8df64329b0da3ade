/**
 * A burst of security events from one solution, as one message, rendered from the events as stored when it
 * is sent: an event the solution's byte budget dropped meanwhile is shown as such.
 */
import { eventBatchMessage } from '../../slack/blocks/alert-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const eventBatchHandler: Handler<ItemOf<'event-batch'>> = async (batch, d) => ({
  async render() {
    const rec = await d.solutions.get(batch.solutionId);
    const solution = { id: batch.solutionId, name: rec?.solution.name ?? batch.solutionId };
    const entries = batch.eventRefs
      ? await d.reports.batchEvents(batch.solutionId, batch.eventRefs)
      : (batch.events ?? []);
    return {
      post: {
        channel: batch.channel,
        solutionId: batch.solutionId,
        message: eventBatchMessage(solution, entries),
      },
    };
  },
});
