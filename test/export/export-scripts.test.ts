/**
 * The export list's Lua scripts through their typed facade, on the real Redis: every outcome of every
 * script, and what each leaves behind (the files themselves are checked in lua-files.test.ts).
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportScripts } from '../../src/export/export-scripts.js';
import { storageContext } from '../../src/storage/context.js';
import type { Keys } from '../../src/storage/keys.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

let redis: Redis;
let prefix: string;
let keys: Keys;
let scripts: ExportScripts;

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());
beforeEach(() => {
  prefix = testPrefix('export-scripts');
  const ctx = storageContext(redis, prefix);
  keys = ctx.keys;
  scripts = new ExportScripts(ctx);
});
afterEach(() => cleanupPrefix(redis, prefix));

/** A solution's export list holding these elements, the head with a retry state, the solution pending. */
async function listOf(solutionId: string, ...elements: string[]) {
  await redis.rpush(keys.exportList(solutionId), ...elements);
  await redis.hset(keys.exportRetry(solutionId), { id: 'm1', attempts: '1', nextAt: '50', lastError: 'x' });
  await redis.zadd(keys.exportPending, 50, solutionId);
}

describe('ack', () => {
  it('pops the head the sender read, clears its retry state and counts it delivered', async () => {
    await listOf('s', 'a', 'b');
    expect(await scripts.ack({ solutionId: 's', head: 'a' })).toBe('acked');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['b']);
    expect(await redis.exists(keys.exportRetry('s'))).toBe(0);
    expect(await redis.hget(keys.exportStats, 'delivered')).toBe('1');
  });

  it('changes nothing when the element is not the head any more (a sender that lost its lease)', async () => {
    await listOf('s', 'b');
    expect(await scripts.ack({ solutionId: 's', head: 'a' })).toBe('not-head');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['b']);
    expect(await redis.hget(keys.exportRetry('s'), 'id')).toBe('m1');
    expect(await redis.exists(keys.exportStats)).toBe(0);
  });
});

describe('fail', () => {
  const failure = (head: string) => ({
    solutionId: 's',
    head,
    messageId: 'm1',
    recordJson: '{"record":1}',
    failedAt: 1_000,
    entryTtlMs: 60_000,
    errorJson: '{"error":"new"}',
    errorsCap: 2,
  });

  it('moves the head to the failed set, counts it and logs it in the capped errors log', async () => {
    await listOf('s', 'a', 'b');
    await redis.lpush(keys.deliveryErrors, 'older', 'old');
    expect(await scripts.fail(failure('a'))).toBe('failed');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['b']);
    expect(await redis.exists(keys.exportRetry('s'))).toBe(0);
    expect(await redis.hget(keys.exportStats, 'failed')).toBe('1');
    expect(await redis.get(keys.exportFailedEntry('m1'))).toBe('{"record":1}');
    const ttl = await redis.pttl(keys.exportFailedEntry('m1'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await redis.zscore(keys.exportFailed, 'm1')).toBe('1000');
    expect(await redis.lrange(keys.deliveryErrors, 0, -1)).toEqual(['{"error":"new"}', 'old']);
  });

  it('changes nothing when the element is not the head any more', async () => {
    await listOf('s', 'b');
    expect(await scripts.fail(failure('a'))).toBe('not-head');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['b']);
    expect(await redis.exists(keys.exportFailedEntry('m1'), keys.exportFailed, keys.deliveryErrors)).toBe(0);
    expect(await redis.exists(keys.exportStats)).toBe(0);
  });
});

describe('hold', () => {
  const retry = (head: string) => ({
    solutionId: 's',
    head,
    messageId: 'm2',
    attempts: 3,
    nextAt: 9_000,
    lastError: 'HTTP 503',
  });

  it('records the head retry state and when the solution next needs a sender', async () => {
    await listOf('s', 'a');
    expect(await scripts.hold(retry('a'))).toBe('held');
    expect(await redis.hgetall(keys.exportRetry('s'))).toEqual({
      id: 'm2',
      attempts: '3',
      nextAt: '9000',
      lastError: 'HTTP 503',
    });
    expect(await redis.zscore(keys.exportPending, 's')).toBe('9000');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['a']);
  });

  it('changes nothing when the element is not the head any more', async () => {
    await listOf('s', 'b');
    expect(await scripts.hold(retry('a'))).toBe('not-head');
    expect(await redis.hget(keys.exportRetry('s'), 'id')).toBe('m1');
    expect(await redis.zscore(keys.exportPending, 's')).toBe('50');
  });
});

describe('settle', () => {
  it('takes a solution with an empty list out of the pending set', async () => {
    await redis.zadd(keys.exportPending, 50, 's');
    expect(await scripts.settle({ solutionId: 's' })).toBe('settled');
    expect(await redis.zscore(keys.exportPending, 's')).toBeNull();
  });

  it('leaves it pending when messages arrived meanwhile', async () => {
    await listOf('s', 'a');
    expect(await scripts.settle({ solutionId: 's' })).toBe('not-empty');
    expect(await redis.zscore(keys.exportPending, 's')).toBe('50');
  });
});

describe('redrive', () => {
  async function failed(messageId: string) {
    await redis.set(keys.exportFailedEntry(messageId), '{"record":1}');
    await redis.zadd(keys.exportFailed, 1_000, messageId);
  }

  it('puts a failed message back at the end of its list once, pending from now', async () => {
    await failed('m1');
    await redis.rpush(keys.exportList('s'), 'a');
    const redrive = { messageId: 'm1', solutionId: 's', element: 'again', now: 7_000 };
    expect(await scripts.redrive(redrive)).toBe('requeued');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['a', 'again']);
    expect(await redis.exists(keys.exportFailedEntry('m1'))).toBe(0);
    expect(await redis.zscore(keys.exportFailed, 'm1')).toBeNull();
    expect(await redis.zscore(keys.exportPending, 's')).toBe('7000');
    expect(await scripts.redrive(redrive)).toBe('not-failed');
    expect(await redis.lrange(keys.exportList('s'), 0, -1)).toEqual(['a', 'again']);
  });

  it('keeps the time a solution already pending next needs a sender (a retry time set)', async () => {
    await failed('m1');
    await listOf('s', 'a');
    expect(await scripts.redrive({ messageId: 'm1', solutionId: 's', element: 'again', now: 7_000 })).toBe(
      'requeued',
    );
    expect(await redis.zscore(keys.exportPending, 's')).toBe('50');
  });

  it('says not-failed for a message that never failed, or whose record expired', async () => {
    await redis.zadd(keys.exportFailed, 1_000, 'm1');
    expect(await scripts.redrive({ messageId: 'm1', solutionId: 's', element: 'again', now: 7_000 })).toBe(
      'not-failed',
    );
    expect(await redis.exists(keys.exportList('s'), keys.exportPending)).toBe(0);
    expect(await redis.zscore(keys.exportFailed, 'm1')).toBe('1000');
  });
});

describe('renew and release', () => {
  const lease = () => keys.exportLease('s');

  it('extend and give back only the lease taken with the same token', async () => {
    await redis.set(lease(), 'mine', 'PX', 1_000);
    expect(await scripts.renew({ solutionId: 's', token: 'mine', leaseMs: 60_000 })).toBe('renewed');
    expect(await redis.pttl(lease())).toBeGreaterThan(1_000);
    expect(await scripts.release({ solutionId: 's', token: 'mine' })).toBe('released');
    expect(await redis.exists(lease())).toBe(0);
  });

  it('leave alone a lease another sender holds, or one that expired', async () => {
    expect(await scripts.renew({ solutionId: 's', token: 'mine', leaseMs: 60_000 })).toBe('lost');
    expect(await scripts.release({ solutionId: 's', token: 'mine' })).toBe('not-held');
    await redis.set(lease(), 'theirs', 'PX', 1_000);
    expect(await scripts.renew({ solutionId: 's', token: 'mine', leaseMs: 60_000 })).toBe('lost');
    expect(await redis.pttl(lease())).toBeLessThanOrEqual(1_000);
    expect(await scripts.release({ solutionId: 's', token: 'mine' })).toBe('not-held');
    expect(await redis.get(lease())).toBe('theirs');
  });
});

describe('beside the storage scripts', () => {
  it('run on a connection that also carries the storage facade, under command names of their own', async () => {
    // storageContext defined the storage scripts on this connection; the export ones were added beside them.
    expect('secsol:releaseLease' in redis).toBe(true);
    expect('secsol-export:release' in redis).toBe(true);
    await redis.set(keys.exportLease('s'), 'mine', 'PX', 1_000);
    expect(await scripts.release({ solutionId: 's', token: 'mine' })).toBe('released');
  });
});
