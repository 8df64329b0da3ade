/**
 * A queue in a Redis that evicts keys under memory pressure loses alerts (RELIABILITY 33a): secsol refuses
 * to start on one, and says why.
 */
import { describe, expect } from 'vitest';
import { testEnv } from '../harness/app.js';
import { privateRedisForFile, secsolTest } from '../harness/fixtures.js';

const it = secsolTest().extend(
  'redis',
  { scope: 'file' },
  privateRedisForFile({ args: ['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'] }),
);

describe('when Redis may evict keys (maxmemory-policy allkeys-lru)', () => {
  it('refuses to start with a message naming the policy', async ({ fake, spawnSecsol, redis }) => {
    const p = spawnSecsol('main', testEnv(fake, 'policy', { REDIS_URL: redis.url, LOG_LEVEL: 'info' }));
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('maxmemory-policy is \\"allkeys-lru\\"');
    expect(p.output()).toContain('noeviction');
  });
});
