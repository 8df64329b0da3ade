/**
 * Solutions written straight into Redis (pipelined) the way secsol stores them: the record with its
 * committed state, the id set, the used-id set and the name index, the deadline and the status read model's member; one health report in the
 * history. A mix of states: 1 in 20 unhealthy, 1 in 20 stopped reporting, 1 in 100 snoozed.
 */
import type { HealthPolicy } from '../src/domain/health.js';
import type { HealthState } from '../src/domain/model.js';
import { solutionNameKey } from '../src/domain/solution-name.js';
import type { StorageContext } from '../src/storage/context.js';
import { solutionFields } from '../src/storage/solution-record.js';
import { memberFor } from '../src/storage/status-index.js';

export function stateOf(i: number): HealthState {
  return i % 20 === 1 ? 'unhealthy' : i % 20 === 2 ? 'stopped_reporting' : 'healthy';
}

export async function seed(
  ctx: StorageContext,
  n: number,
  now: number,
  policy: HealthPolicy,
  channels = 1,
): Promise<void> {
  for (let i = 0; i < n; i += 5000) {
    const p = ctx.redis.pipeline();
    for (let j = i; j < Math.min(n, i + 5000); j++) {
      const id = `sol-${j}`;
      const state = stateOf(j);
      const last = state === 'stopped_reporting' ? now - 3 * policy.every : now - 60_000;
      p.hset(ctx.keys.solution(id), {
        ...solutionFields({
          id,
          name: `Solution ${j}`,
          vendor: 'Bench',
          family: 'edr',
          source: 'push',
          linkedResources: [],
          lifecycle: 'connected',
          createdAt: now - 86_400_000,
          connectedAt: now - 86_400_000,
          version: 1,
          alertChannel: `C0BENCH${j % channels}`,
        }),
        rev: '1',
        state,
        stateSince: String(now - 3_600_000),
        stateReason: 'seeded',
        flipSeq: '1',
        unhealthyStreak: state === 'unhealthy' ? '1' : '0',
        lastHealthAt: String(last),
        lastObservedAt: String(last),
        lastHealthStatus: state === 'unhealthy' ? 'unhealthy' : 'healthy',
        ...(j % 100 === 3 ? { snoozedUntil: String(now + 3_600_000), snoozedBy: 'slack:U0BENCH' } : {}),
      });
      p.lpush(
        ctx.keys.healthHistory(id),
        JSON.stringify({ status: 'healthy', message: 'ok', observedAt: last, receivedAt: last }),
      );
      p.sadd(ctx.keys.solutions, id);
      // The identity the create script records: the id used for good, the name in the name index.
      p.sadd(ctx.keys.usedIds, id);
      p.hset(ctx.keys.names, solutionNameKey(`Solution ${j}`), id);
      p.hset(ctx.keys.solution(id), 'nameKey', solutionNameKey(`Solution ${j}`));
      if (j % 100 === 3) p.sadd(ctx.keys.snoozed, id);
      const member = memberFor('connected', state, id);
      if (member) p.zadd(ctx.keys.statusIndex, 0, member);
      if (state !== 'stopped_reporting')
        p.zadd(ctx.keys.deadlines, last + policy.every + policy.grace + 1, id);
    }
    await p.exec();
  }
  await ctx.redis.set(ctx.keys.statusIndexBuilt, '1');
}
