/**
 * A one-time step of a deployment (data an earlier secsol wrote gets a record this one keeps): skipped
 * when its marker is set, run at most once at a time per process, tried again after a failure, and marked
 * done only once it finished. The status read model, solution identities and the pending requests use it.
 */
import type { Connection } from './redis.js';

export function oncePerDeployment(
  redis: Connection,
  marker: string,
  step: () => Promise<void>,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= (async () => {
      if ((await redis.exists(marker)) === 1) return;
      await step();
      await redis.set(marker, '1');
    })().catch((err) => {
      running = undefined;
      throw err;
    });
    return running;
  };
}
