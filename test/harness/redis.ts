/**
 * Each test gets its own key prefix on the shared Redis and deletes exactly its own keys afterwards
 * (never FLUSHALL/FLUSHDB: other test runs may share the server).
 */
import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import type { Connection } from '../../src/storage/redis.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(name: string): string {
  return `t-${name}-${randomUUID().slice(0, 8)}`;
}

export function testRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
}

/** The Redis a test runs secsol against: the shared server, or a Redis Cluster of the test's own. */
export interface RedisUnderTest {
  /** The variables that point secsol at it (merged into the test profile). */
  readonly env: Record<string, string>;
  /** A connection of the test's own, to look at secsol's storage. */
  connect(): Connection;
}

export const sharedRedis: RedisUnderTest = { env: { REDIS_URL }, connect: testRedis };

/** The servers holding data: the one server, or every master of a cluster (SCAN sees one node only). */
export function dataNodes(redis: Connection): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Every key on one server matching `pattern`. */
export async function scanKeys(server: Redis, pattern = '*'): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/** Every key under a prefix (secsol hash-tags its keys as `{prefix}:…`), on every master of a cluster. */
export async function keysOf(redis: Connection, prefix: string): Promise<string[]> {
  const perNode = await Promise.all(dataNodes(redis).map((server) => scanKeys(server, `{${prefix}}*`)));
  return perNode.flat();
}

export async function cleanupPrefix(redis: Connection, prefix: string): Promise<void> {
  // Deleted on the server that holds them: a multi-key UNLINK sent to a cluster must stay in one slot.
  for (const server of dataNodes(redis)) {
    const keys = await scanKeys(server, `{${prefix}}*`);
    for (let i = 0; i < keys.length; i += 500) await server.unlink(...keys.slice(i, i + 500));
  }
}
