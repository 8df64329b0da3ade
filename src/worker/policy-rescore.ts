/**
 * Deadlines are computed with the health policy in force when a solution was last evaluated. When the
 * defaults change (a restart with another SECSOL_EXPECTED_EVERY, SECSOL_GRACE or SECSOL_SILENCE_WINDOW),
 * what `/secsol status` shows (judged with the new policy) and when the worker next looks (the old
 * deadline, possibly days away) would disagree: a solution would show Stopped reporting with no flip and
 * no alert. So at start-up, when the policy differs from the one recorded, every solution is made due
 * now and judged again under the new policy. (A solution's own cadence, changed through Configure or the
 * admin API, already makes that solution due at once.)
 */
import type { HealthPolicy } from '../domain/health.js';
import type { Logger } from '../logger.js';
import type { StorageContext } from '../storage/context.js';

const BATCH = 1000;

export function policyFingerprint(p: HealthPolicy): string {
  return `every=${p.every};grace=${p.grace};silence=${p.silenceWindow};threshold=${p.unhealthyThreshold}`;
}

/** Returns how many solutions were made due (0 when the policy is unchanged). */
export async function rescoreOnPolicyChange(
  ctx: StorageContext,
  defaults: HealthPolicy,
  now: number,
  logger: Logger,
): Promise<number> {
  const { redis, keys } = ctx;
  const fingerprint = policyFingerprint(defaults);
  const previous = await redis.get(keys.deadlinePolicy);
  if (previous === fingerprint) return 0;
  let count = 0;
  if (previous !== null) {
    // Every known solution: the evaluator drops the ones that are not connected from the work list.
    let cursor = '0';
    do {
      const [next, ids] = await redis.sscan(keys.solutions, cursor, 'COUNT', BATCH);
      cursor = next;
      if (ids.length > 0) {
        await redis.zadd(keys.deadlines, ...ids.flatMap((id) => [now, id]));
        count += ids.length;
      }
    } while (cursor !== '0');
    logger.info(
      { previous, now: fingerprint, solutions: count },
      'health policy changed: every solution judged again',
    );
  }
  await redis.set(keys.deadlinePolicy, fingerprint);
  return count;
}
