/**
 * An operator's re-drive of a failed export message (the admin API's `POST /api/v1/deliveries/:id/retry`
 * with a `msg_…` id): the message goes back at the end of its solution's export list, with a fresh retry
 * period, and the solution's drain is queued.
 */
import type { Queue } from 'bullmq';
import { enqueueExports } from '../queue/queues.js';
import type { ExportRepository } from './export-repository.js';

export type ExportRedrive = (messageId: string) => Promise<'requeued' | 'missing'>;

export function exportRedrive(repo: ExportRepository, queue: Queue, now: () => number): ExportRedrive {
  return async (messageId) => {
    const result = await repo.redrive(messageId, now());
    if (result.outcome === 'missing') return 'missing';
    await enqueueExports(queue, [result.solutionId]);
    return 'requeued';
  };
}
