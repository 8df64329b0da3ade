/**
 * A queue in a Redis that evicts keys under memory pressure loses alerts (RELIABILITY 33a): secsol refuses
 * to start on one, and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSecsol, testEnv } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { PrivateRedis } from '../harness/private-redis.js';

let fake: FakeSlack;
let redis: PrivateRedis;

beforeAll(async () => {
  fake = await FakeSlack.start();
  redis = await PrivateRedis.start({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] });
});
afterAll(async () => {
  await redis.stop();
  await fake.close();
});

describe('when Redis may evict keys (maxmemory-policy allkeys-lru)', () => {
  it('refuses to start with a message naming the policy', async () => {
    const p = spawnSecsol('main', testEnv(fake, 'policy', { REDIS_URL: redis.url, LOG_LEVEL: 'info' }));
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('maxmemory-policy is \\"allkeys-lru\\"');
    expect(p.output()).toContain('noeviction');
  });
});
