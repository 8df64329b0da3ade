/**
 * What running on a Redis Cluster rests on, checked on a real three-master cluster: every key secsol builds
 * shares one slot, a key outside the hash tag is refused (so the cluster runs would catch one that escaped),
 * the eviction policy is checked on every master, and a request connection fails fast.
 */
import { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisTarget } from '../../src/config/redis-target.js';
import { isStorageError } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { storageContext } from '../../src/storage/context.js';
import { buildKeys } from '../../src/storage/keys.js';
import { OutageLog } from '../../src/storage/outage-log.js';
import { checkEvictionPolicy, connect, ready } from '../../src/storage/redis.js';
import { Scripts } from '../../src/storage/scripts.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, scanKeys, testPrefix } from '../harness/redis.js';
import { keyPlacement, TestCluster } from '../harness/redis-cluster.js';

const outage = new OutageLog(createLogger('silent'));
let cluster: TestCluster;
let redis: Cluster;
let prefix: string;

const slotOf = async (key: string) => Number(await redis.cluster('KEYSLOT', key));

beforeAll(async () => {
  cluster = await TestCluster.start();
  redis = cluster.connect();
});
afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});
afterEach(async () => {
  await cleanupPrefix(redis, prefix);
  // The cluster is this file's own: nothing may be left anywhere, e.g. by a refused queue.
  expect((await keyPlacement(redis)).keys).toEqual([]);
});

describe('the hash tag', () => {
  it('puts every key secsol builds, and BullMQ queue keys, in the slot of the tag', async () => {
    prefix = testPrefix('slot');
    const keys = buildKeys(prefix);
    const built = Object.values(keys).map((k) => (typeof k === 'function' ? k('x', 1) : k));
    built.push(`${keys.bullPrefix}:deliver:wait`, `${keys.bullPrefix}:evaluate:meta`);
    const slots = new Set(await Promise.all(built.map(slotOf)));
    expect([...slots]).toEqual([await slotOf(`{${prefix}}`)]);
  });

  it('refuses a script given a key outside the tag (CROSSSLOT)', async () => {
    prefix = testPrefix('crossslot');
    const ctx = storageContext(redis, prefix);
    const escaped = `${prefix}:deadlines`;
    // Without the braces the whole name is hashed: another slot (checked, or the test would prove nothing).
    expect(await slotOf(escaped)).not.toBe(await slotOf(ctx.keys.deadlines));
    const create = (scripts: Scripts) =>
      scripts.createSolution({
        id: 'sol-1',
        nameKey: 'name-sol-1',
        now: 1,
        firstDeadline: 1,
        fields: { name: 'n' },
      });

    const leaky = new Scripts(redis, { ...ctx.keys, deadlines: escaped });
    await expect(create(leaky)).rejects.toThrow(/CROSSSLOT/);
    expect(await create(ctx.scripts)).toBe('created');
  });

  it('refuses a BullMQ queue whose prefix is outside the tag (CROSSSLOT)', async () => {
    prefix = testPrefix('bull');
    const keys = buildKeys(prefix);
    const tagged = new Queue('deliver', { connection: redis, prefix: keys.bullPrefix });
    const untagged = new Queue('deliver', { connection: redis, prefix: `${prefix}:q` });
    try {
      await expect(untagged.add('deliver', { itemId: 'flip-a-1' })).rejects.toThrow(/CROSSSLOT/);
      await tagged.add('deliver', { itemId: 'flip-a-1' }, { jobId: 'flip-a-1' });
      expect(await tagged.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await Promise.all([tagged.close(), untagged.close()]);
      // What the refused queue wrote with single-key commands (its meta hash), wherever it landed.
      for (const node of redis.nodes('master')) {
        const stray = await scanKeys(node, `${prefix}:q:*`);
        if (stray.length > 0) await node.del(...stray);
      }
    }
  });
});

describe('the connections', () => {
  const target = (): RedisTarget => ({
    kind: 'cluster',
    nodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
  });

  it('check the eviction policy on every master', async () => {
    prefix = testPrefix('policy');
    const conn = connect(target(), 'default', outage);
    const last = cluster.ports.at(-1) as number;
    try {
      await ready(conn);
      expect(await checkEvictionPolicy(conn)).toBe('ok');
      await cluster.node(last).config('SET', 'maxmemory-policy', 'allkeys-lru');
      await expect(checkEvictionPolicy(conn)).rejects.toThrow(`"allkeys-lru" on 127.0.0.1:${last}`);
    } finally {
      await cluster.node(last).config('SET', 'maxmemory-policy', 'noeviction');
      conn.disconnect();
    }
  });

  it('on the request path, fail at once while the cluster is unreachable', async () => {
    prefix = testPrefix('unreachable');
    const conn = connect(
      { kind: 'cluster', nodes: [{ host: '127.0.0.1', port: await freePort() }] },
      'request',
      outage,
    );
    try {
      const started = Date.now();
      const err = await conn.get('{x}:y').catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect(isStorageError(err)).toBe(true);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      conn.disconnect();
    }
  });

  it('on the request path, time out while the cluster stops answering, and recover', async () => {
    prefix = testPrefix('frozen');
    const conn = connect(target(), 'request', outage);
    try {
      await ready(conn);
      const key = buildKeys(prefix).heartbeat;
      await conn.set(key, '1');
      cluster.signal('SIGSTOP');
      const started = Date.now();
      const err = await conn.get(key).catch((e: Error) => e);
      expect(isStorageError(err)).toBe(true);
      expect(Date.now() - started).toBeLessThan(2000);
      cluster.signal('SIGCONT');
      expect(await conn.get(key)).toBe('1');
    } finally {
      cluster.signal('SIGCONT');
      conn.disconnect();
    }
  });
});
