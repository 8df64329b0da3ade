/**
 * Solution identities in storage: a deployment whose solutions predate the used-id set and the name index
 * gets them recorded on first use, and a name index entry left behind by a crash is freed when needed.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Solution } from '../../src/domain/model.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { solutionFields } from '../../src/storage/solution-record.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

let redis: Redis;
let prefix: string;
let ctx: StorageContext;

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());
beforeEach(() => {
  prefix = testPrefix('identity');
  ctx = storageContext(redis, prefix);
});
afterEach(() => cleanupPrefix(redis, prefix));

const solution = (id: string, name: string): Solution => ({
  id,
  name,
  vendor: 'Vendor',
  family: 'other',
  source: 'push',
  linkedResources: [],
  lifecycle: 'connected',
  createdAt: 1,
  connectedAt: 1,
  version: 1,
});

/** A record as an earlier secsol wrote it: no name key, and no used-id set or name index. */
async function legacy(id: string, name: string) {
  await redis.hset(ctx.keys.solution(id), {
    ...solutionFields(solution(id, name)),
    rev: 1,
    state: 'healthy',
  });
  await redis.sadd(ctx.keys.solutions, id);
}

describe('a deployment from before names were unique', () => {
  it('indexes its names and ids once; of two namesakes the first keeps the name, both keep working', async () => {
    await legacy('edr', 'Legacy EDR');
    await legacy('edr-2', 'legacy edr');
    await legacy('waf', 'Legacy WAF');
    const repo = new SolutionRepository(ctx);

    expect(await repo.create(solution('new-waf', 'LEGACY waf'), 2, null)).toBe('name-taken');
    expect(await repo.holderOf('Legacy WAF')).toBe('waf');
    expect(['edr', 'edr-2']).toContain(await repo.holderOf('legacy EDR'));
    expect((await redis.smembers(ctx.keys.usedIds)).sort()).toEqual(['edr', 'edr-2', 'waf']);
    expect(await redis.get(ctx.keys.identitiesBuilt)).toBe('1');

    // Deleted before the upgrade: its audit trail marks the id as used.
    await redis.xadd(ctx.keys.solutionAudit('gone'), '*', 'entry', '{}');
    expect(await repo.create(solution('gone', 'Gone'), 2, null)).toBe('id-taken');
    expect(await repo.get('edr-2')).not.toBeNull();
  });
});

describe('a name whose holder is gone', () => {
  it('is freed by the next solution that wants it (a crash between the delete and the release)', async () => {
    const repo = new SolutionRepository(ctx);
    expect(await repo.create(solution('first', 'Crashed Name'), 1, null)).toBe('created');
    // The delete's transaction ran, the release of the name did not.
    await redis.del(ctx.keys.solution('first'));
    await redis.srem(ctx.keys.solutions, 'first');
    expect(await repo.holderOf('crashed name')).toBe('first');

    expect(await repo.create(solution('second', 'Crashed Name'), 2, null)).toBe('created');
    expect(await repo.holderOf('crashed name')).toBe('second');
    expect(await repo.findByName('CRASHED  NAME')).toMatchObject({ solution: { id: 'second' } });
  });

  it('frees the name on delete and keeps the id used', async () => {
    const repo = new SolutionRepository(ctx);
    await repo.create(solution('once', 'Once'), 1, null);
    expect(await repo.delete('once')).toBe(true);
    expect(await repo.holderOf('once')).toBeNull();
    expect(await repo.create(solution('once', 'Once'), 2, null)).toBe('id-taken');
    expect(await repo.create(solution('once-again', 'Once'), 2, null)).toBe('created');
  });
});
