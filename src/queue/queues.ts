/**
 * The seam between the web process and the worker: the queue names. Job payloads are typed and validated
 * where they are made: the deliver job's in outbox/kinds.ts (ids and a kind only, never secrets).
 */
import { type ConnectionOptions, Queue, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { OutageLog } from '../storage/outage-log.js';

export const QUEUE = {
  /** One repeating job (a job scheduler) drives evaluation ticks. */
  evaluate: 'evaluate',
  /** One job per outbox item, `{ kind, itemId }`: job id = item id, so re-queuing is idempotent. */
  deliver: 'deliver',
  /** Continuous export: one drain job per solution with entries waiting (job id `exp-<solution>`). */
  export: 'export',
  /** One repeating job (a job scheduler) reads Defender for Cloud, when the connector is on. */
  azure: 'azure-poll',
} as const;

export const TICK_SCHEDULER_ID = 'tick';
/** The export queue's repeating sweep: re-queues the drain of any solution whose job was lost. */
export const EXPORT_SWEEP_ID = 'export-sweep';
export const AZURE_SCHEDULER_ID = 'azure-poll';

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

export function openQueues(connection: ConnectionOptions, prefix: string, outage: OutageLog): Queues {
  const deliver = new Queue(QUEUE.deliver, { connection, prefix });
  const evaluate = new Queue(QUEUE.evaluate, { connection, prefix });
  const exportQueue = new Queue(QUEUE.export, { connection, prefix });
  // Without a listener BullMQ prints raw stack traces on every reconnect attempt during a Redis outage.
  for (const q of [deliver, evaluate, exportQueue])
    q.on('error', (err) => outage.error(`queue:${q.name}`, err));
  return {
    deliver,
    evaluate,
    export: exportQueue,
    close: async () => {
      await Promise.all([deliver.close(), evaluate.close(), exportQueue.close()]);
    },
  };
}
