import { Cluster } from 'ioredis';
import { expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { keyPlacement } from '../harness/redis-cluster.js';

/**
 * After a scenario on a cluster of the test's own (nothing else writes to it): every key in the whole
 * cluster is secsol's, under the test's hash tag, BullMQ's queues included, in one slot on the one master
 * that owns it. A key that escaped the tag would show up here, on any node.
 */
export async function expectOneSlot(app: TestApp): Promise<void> {
  const redis = app.ctx.redis;
  if (!(redis instanceof Cluster)) throw new Error('expectOneSlot needs an app on a Redis Cluster');
  const placed = await keyPlacement(redis);
  expect(placed.keys.filter((k) => !k.startsWith(`${app.ctx.keys.prefix}:`))).toEqual([]);
  expect(placed.keys.some((k) => k.startsWith(`${app.ctx.keys.bullPrefix}:deliver:`))).toBe(true);
  expect(placed.keys.some((k) => k.startsWith(app.ctx.keys.solution('')))).toBe(true);
  expect(placed.slots).toHaveLength(1);
  expect(placed.holders).toEqual(placed.owners);
}
