/**
 * The seam between the web process and the worker: queue names and the typed, validated job payloads.
 * Job data holds ids only, never tokens or response URLs.
 */
import { type ConnectionOptions, Queue, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../logger.js';

export const QUEUE = {
  /** One repeating job (a job scheduler) drives evaluation ticks. */
  evaluate: 'evaluate',
  /** One job per message to post: job id = delivery item id, so re-queuing is idempotent. */
  deliver: 'deliver',
  /** One repeating job (a job scheduler) reads Defender for Cloud, when the connector is on. */
  azure: 'azure-poll',
} as const;

export const TICK_SCHEDULER_ID = 'tick';
export const AZURE_SCHEDULER_ID = 'azure-poll';

const itemId = z
  .string()
  .regex(/^(flip|dig|evb|enr|ops|rem)-[A-Za-z0-9_.-]{1,200}$/, 'not a delivery item id');
export const deliverJobSchema = z.object({ itemId }).strict();
export type DeliverJob = z.infer<typeof deliverJobSchema>;

/** Job data read back from Redis is outside input: a job that can never be valid fails for good. */
export function parseDeliverJob(data: unknown): DeliverJob {
  const parsed = deliverJobSchema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid deliver job: ${parsed.error.message}`);
  return parsed.data;
}

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

const deliveryOpts = (itemId: string, attempts: number, backoffMs: number) => ({
  jobId: itemId,
  attempts,
  backoff: { type: 'exponential', delay: backoffMs },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
});

/** Queues many deliveries in one round trip (a storm of flips). */
export async function enqueueDeliveries(
  queue: Queue,
  itemIds: string[],
  attempts: number,
  backoffMs: number,
) {
  if (itemIds.length === 0) return;
  await queue.addBulk(
    itemIds.map((itemId) => ({
      name: 'deliver',
      data: { itemId },
      opts: deliveryOpts(itemId, attempts, backoffMs),
    })),
  );
}

/** Queues a delivery. The job id is the item id: adding it twice while it exists is a no-op. */
export async function enqueueDelivery(queue: Queue, itemId: string, attempts: number, backoffMs: number) {
  await queue.add('deliver', { itemId }, deliveryOpts(itemId, attempts, backoffMs));
}
