/**
 * Redis connections, to one server (REDIS_URL) or to a Redis Cluster (REDIS_CLUSTER_NODES). Three flavours,
 * because their failure behaviour must differ (on a cluster, the same options apply to each node connection):
 * - `request`: used on the HTTP path. No offline queue, so when Redis is down a request fails at once
 *   (the API answers 503) instead of hanging until Redis comes back.
 * - `worker`: for BullMQ, which needs `maxRetriesPerRequest: null` and waits out outages itself.
 * - `default`: the worker's own reads and writes, which may wait for a reconnect.
 */
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis-target.js';
import { WATCHDOG_DEFAULTS, watchConnection } from './connection-watchdog.js';
import type { OutageLog } from './outage-log.js';

/**
 * One server or a Redis Cluster. Both speak the same commands through ioredis (a cluster routes each to the
 * node owning its key's slot), so the repositories and BullMQ take either.
 */
export type Connection = Redis | Cluster;
export type ConnectionKind = 'request' | 'worker' | 'default';

const retryDelay = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);

/** What differs per kind, for a server connection or for each node connection of a cluster. */
function kindOptions(kind: ConnectionKind, name: string) {
  const options: Pick<RedisOptions, 'connectionName' | 'maxRetriesPerRequest' | 'commandTimeout'> = {
    connectionName: `${name}-${kind}`,
  };
  if (kind === 'request') {
    options.maxRetriesPerRequest = 1;
    options.commandTimeout = 800;
  }
  if (kind === 'worker') options.maxRetriesPerRequest = null;
  return {
    options,
    enableOfflineQueue: kind !== 'request',
    // Auto-pipelining batches commands per connection; on the request path a stuck batch would make every
    // request behind it wait out the timeout too, so requests fail fast one by one instead.
    enableAutoPipelining: kind === 'default',
  };
}

export function connect(
  target: RedisTarget,
  kind: ConnectionKind,
  outage: OutageLog,
  name = 'secsol',
): Connection {
  const k = kindOptions(kind, name);
  let redis: Connection;
  if (target.kind === 'cluster') {
    const options: ClusterOptions = {
      lazyConnect: false,
      enableOfflineQueue: k.enableOfflineQueue,
      enableAutoPipelining: k.enableAutoPipelining,
      // Every key lives on the master of secsol's one slot; reading a replica could see a stale value.
      scaleReads: 'master',
      clusterRetryStrategy: retryDelay,
      redisOptions: k.options,
    };
    redis = new Cluster(
      target.nodes.map((n) => ({ host: n.host, port: n.port })),
      options,
    );
  } else {
    const options: RedisOptions = {
      ...k.options,
      lazyConnect: false,
      enableOfflineQueue: k.enableOfflineQueue,
      enableAutoPipelining: k.enableAutoPipelining,
      retryStrategy: retryDelay,
    };
    redis = new Redis(target.url, options);
  }
  // ioredis reconnects by itself. Each error goes to the process's OutageLog: one line per outage, then
  // a summary, instead of one per client per retry.
  redis.on('error', (err: Error) => outage.error(`redis:${kind}`, err));
  redis.on('ready', () => outage.recovered());
  watchConnection(redis, `${name}-${kind}`, {
    ...WATCHDOG_DEFAULTS,
    onDead: (connection, silentMs) =>
      outage.error(
        `redis:${kind}`,
        new Error(
          `${connection}: no answer to PING in ${silentMs} ms (the connection died silently); reconnecting`,
        ),
      ),
  });
  return redis;
}

/** Waits until the connection is ready (or fails after `timeoutMs`). */
export async function ready(redis: Connection, timeoutMs = 10_000): Promise<void> {
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
 * other than noeviction (on a cluster, on any master: the slot may move to any of them); when CONFIG is
 * disabled (some managed services) we cannot tell, so say so.
 */
export async function checkEvictionPolicy(redis: Connection): Promise<'ok' | 'unknown'> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  if (servers.length === 0) return 'unknown';
  let known = true;
  for (const server of servers) {
    const policy = await evictionPolicy(server);
    if (policy === undefined) known = false;
    else if (policy !== 'noeviction') {
      const where = redis instanceof Cluster ? ` on ${server.options.host}:${server.options.port}` : '';
      throw new Error(
        `Redis maxmemory-policy is "${policy}"${where}: secsol needs "noeviction" so that queued alerts are never evicted`,
      );
    }
  }
  return known ? 'ok' : 'unknown';
}

async function evictionPolicy(server: Redis): Promise<string | undefined> {
  try {
    const reply = (await server.config('GET', 'maxmemory-policy')) as string[];
    return reply[1];
  } catch {
    return undefined;
  }
}
