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
  /** Continuous export: one drain job per solution with entries waiting (job id `exp-<solution>`). */
  export: 'export',
} as const;

export const TICK_SCHEDULER_ID = 'tick';
/** The export queue's repeating sweep: re-queues the drain of any solution whose job was lost. */
export const EXPORT_SWEEP_ID = 'export-sweep';

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

const exportJobSchema = z
  .object({ solutionId: z.string().regex(/^[A-Za-z0-9_.-]{1,200}$/, 'not a solution id') })
  .strict();
export type ExportJob = z.infer<typeof exportJobSchema>;

export function parseExportJob(data: unknown): ExportJob {
  const parsed = exportJobSchema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid export job: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * Queues the drain of each solution's export list. The job id is per solution: while one is queued,
 * delayed or running, adding it again is a no-op (the running one drains what was appended meanwhile).
 */
export async function enqueueExports(queue: Queue, solutionIds: string[]) {
  if (solutionIds.length === 0) return;
  await queue.addBulk(
    solutionIds.map((solutionId) => ({
      name: 'drain',
      data: { solutionId },
      // Unexpected errors (Redis) retry a few times; after that the sweep queues it again.
      opts: {
        jobId: `exp-${solutionId}`,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: true,
      },
    })),
  );
}

export interface Queues {
  deliver: Queue;
  evaluate: Queue;
  export: Queue;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions, prefix: string, logger: Logger): Queues {
  const deliver = new Queue(QUEUE.deliver, { connection, prefix });
  const evaluate = new Queue(QUEUE.evaluate, { connection, prefix });
  const exportQueue = new Queue(QUEUE.export, { connection, prefix });
  // Without a listener BullMQ prints raw stack traces on every reconnect attempt during a Redis outage.
  for (const q of [deliver, evaluate, exportQueue])
    q.on('error', (err) => logger.warn({ queue: q.name, err: err.message }, 'queue error'));
  return {
    deliver,
    evaluate,
    export: exportQueue,
    close: async () => {
      await Promise.all([deliver.close(), evaluate.close(), exportQueue.close()]);
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
