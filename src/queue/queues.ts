/**
 * The seam between the web process and the worker: the queue names. Job payloads are typed and validated
 * where they are made: the deliver job's in outbox/kinds.ts (ids and a kind only, never secrets).
 */
import { type ConnectionOptions, Queue } from 'bullmq';
import type { Logger } from '../logger.js';

export const QUEUE = {
  /** One repeating job (a job scheduler) drives evaluation ticks. */
  evaluate: 'evaluate',
  /** One job per outbox item, `{ kind, itemId }`: job id = item id, so re-queuing is idempotent. */
  deliver: 'deliver',
} as const;

export const TICK_SCHEDULER_ID = 'tick';

export interface Queues {
  deliver: Queue;
  evaluate: Queue;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions, prefix: string, logger: Logger): Queues {
  const deliver = new Queue(QUEUE.deliver, { connection, prefix });
  const evaluate = new Queue(QUEUE.evaluate, { connection, prefix });
  // Without a listener BullMQ prints raw stack traces on every reconnect attempt during a Redis outage.
  for (const q of [deliver, evaluate])
    q.on('error', (err) => logger.warn({ queue: q.name, err: err.message }, 'queue error'));
  return {
    deliver,
    evaluate,
    close: async () => {
      await Promise.all([deliver.close(), evaluate.close()]);
    },
  };
}
