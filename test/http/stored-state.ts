/**
 * What storage holds about one solution, to compare before and after a request that must change nothing:
 * its record, its deadline and its report history, plus its flips or its events where the test asks.
 */
import type { TestApp } from '../harness/app.js';

export async function storedState(app: TestApp, id: string, also: 'flips' | 'events') {
  const { redis, keys } = app.ctx;
  return {
    solution: await redis.hgetall(keys.solution(id)),
    deadline: await redis.zscore(keys.deadlines, id),
    history: await redis.lrange(keys.healthHistory(id), 0, -1),
    [also]: await redis.lrange(also === 'flips' ? keys.solutionFlips(id) : keys.events(id), 0, -1),
  };
}
