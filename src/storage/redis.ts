/**
 * Redis connections. Three flavours, because their failure behaviour must differ:
 * - `request`: used on the HTTP path. No offline queue, so when Redis is down a request fails at once
 *   (the API answers 503) instead of hanging until Redis comes back.
 * - `worker`: for BullMQ, which needs `maxRetriesPerRequest: null` and waits out outages itself.
 * - `default`: the worker's own reads and writes, which may wait for a reconnect.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { OutageLog } from './outage-log.js';

export type Connection = Redis;
export type ConnectionKind = 'request' | 'worker' | 'default';

export function connect(url: string, kind: ConnectionKind, outage: OutageLog, name = 'secsol'): Redis {
  const options: RedisOptions = {
    connectionName: `${name}-${kind}`,
    lazyConnect: false,
    // Auto-pipelining batches commands per connection; on the request path a stuck batch would make every
    // request behind it wait out the timeout too, so requests fail fast one by one instead.
    enableAutoPipelining: kind === 'default',
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
  };
  if (kind === 'request') {
    options.enableOfflineQueue = false;
    options.maxRetriesPerRequest = 1;
    options.commandTimeout = 800;
  }
  if (kind === 'worker') {
    options.maxRetriesPerRequest = null;
  }
  const redis = new Redis(url, options);
  // ioredis reconnects by itself. Each error goes to the process's OutageLog: one line per outage, then
  // a summary, instead of one per client per retry.
  redis.on('error', (err) => outage.error(`redis:${kind}`, err));
  redis.on('ready', () => outage.recovered());
  return redis;
}

/** Waits until the connection is ready (or fails after `timeoutMs`). */
export async function ready(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}

/**
 * A queue in Redis loses jobs when Redis evicts keys under memory pressure. Refuse an eviction policy
 * other than noeviction; when CONFIG is disabled (some managed services) we cannot tell, so say so.
 */
export async function checkEvictionPolicy(redis: Redis): Promise<'ok' | 'unknown'> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch {
    return 'unknown';
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}": secsol needs "noeviction" so that queued alerts are never evicted`,
    );
  }
  return 'ok';
}
