/**
 * A burst of security events from one solution, as one message, rendered from the events as stored when it
 * is sent: an event the solution's byte budget dropped meanwhile is shown as such. Events keep joining the
 * batch until it is rendered (ingest-service.ts), so it is closed before its events are read.
 */
import { eventBatchMessage } from '../../slack/blocks/alert-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const eventBatchHandler: Handler<ItemOf<'event-batch'>> = async (batch, d) => ({
  async render() {
    const rec = await d.solutions.get(batch.solutionId);
    const solution = { id: batch.solutionId, name: rec?.solution.name ?? batch.solutionId };
    // Closed first, then read: events that joined until now are in it, later ones start a new batch.
    const closed = batch.eventRefs ? await d.reports.closeBatch(batch.solutionId, batch.id) : null;
    const refs = closed?.refs ?? batch.eventRefs;
    const entries = refs ? await d.reports.batchEvents(batch.solutionId, refs) : (batch.events ?? []);
    return {
      post: {
        channel: batch.channel,
        solutionId: batch.solutionId,
        message: eventBatchMessage(solution, entries, closed?.count),
      },
    };
  },
});
