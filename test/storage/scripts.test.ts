/**
 * The Lua scripts through their typed facade, on the real Redis: every outcome of every script
 * (the files themselves are checked in lua-files.test.ts).
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { runLua, STORAGE_LUA } from '../../src/storage/lua-loader.js';
import { decodeResult } from '../../src/storage/script-results.js';
import type { Scripts } from '../../src/storage/scripts.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

let redis: Redis;
let prefix: string;
let ctx: StorageContext;

beforeAll(() => {
  redis = testRedis();
});
afterAll(() => redis.disconnect());
beforeEach(() => {
  prefix = testPrefix('scripts');
  ctx = storageContext(redis, prefix);
});
afterEach(() => cleanupPrefix(redis, prefix));

const connected = { lifecycle: 'connected', name: 'Sol', version: '1' };

async function createConnected(id: string) {
  await ctx.scripts.createSolution({ id, nameKey: id, now: 1_000, firstDeadline: 5_000, fields: connected });
}

describe('createSolution', () => {
  it('creates a solution once, and puts it in the work list only with a deadline', async () => {
    const { scripts, keys } = ctx;
    expect(
      await scripts.createSolution({
        id: 'a',
        nameKey: 'name-a',
        now: 1,
        firstDeadline: 9,
        fields: connected,
      }),
    ).toBe('created');
    expect(
      await scripts.createSolution({ id: 'a', nameKey: 'name-a', now: 2, firstDeadline: 9, fields: {} }),
    ).toBe('id-taken');
    expect(
      await scripts.createSolution({
        id: 'b',
        nameKey: 'name-b',
        now: 1,
        firstDeadline: null,
        fields: { name: 'B' },
      }),
    ).toBe('created');
    expect(await redis.hget(keys.solution('a'), 'state')).toBe('not_reported');
    expect(await redis.smembers(keys.solutions)).toEqual(expect.arrayContaining(['a', 'b']));
    expect(await redis.zrange(keys.deadlines, '0', '-1')).toEqual(['a']);
  });

  it('never hands out an id twice, and refuses a name another solution holds', async () => {
    const { scripts, keys } = ctx;
    const create = (id: string, nameKey: string) =>
      scripts.createSolution({ id, nameKey, now: 1, firstDeadline: null, fields: { name: nameKey } });
    expect(await create('a', 'qualys')).toBe('created');
    expect(await create('b', 'qualys')).toBe('name-taken');
    expect(await redis.exists(keys.solution('b'))).toBe(0);
    expect(await redis.hget(keys.names, 'qualys')).toBe('a');
    // Deleted: the name is free once released, the id stays used.
    await redis.del(keys.solution('a'));
    expect(await scripts.releaseName({ nameKey: 'qualys', holderId: 'a' })).toBe('released');
    expect(await create('a', 'qualys')).toBe('id-taken');
    expect(await create('c', 'qualys')).toBe('created');
    // An id used before the used-id set existed still has its audit trail or flips.
    await redis.xadd(keys.solutionAudit('old'), '*', 'entry', '{}');
    await redis.lpush(keys.solutionFlips('older'), 'flip-older-1');
    expect(await create('old', 'o')).toBe('id-taken');
    expect(await create('older', 'p')).toBe('id-taken');
  });
});

describe('releaseName and adoptIdentity', () => {
  it('frees only an entry whose solution no longer holds the name', async () => {
    const { scripts, keys } = ctx;
    await scripts.createSolution({ id: 'a', nameKey: 'n', now: 1, firstDeadline: null, fields: {} });
    expect(await scripts.releaseName({ nameKey: 'n', holderId: 'a' })).toBe('held');
    expect(await scripts.releaseName({ nameKey: 'n', holderId: 'z' })).toBe('held');
    await redis.hset(keys.solution('a'), 'nameKey', 'renamed');
    expect(await scripts.releaseName({ nameKey: 'n', holderId: 'a' })).toBe('released');
    expect(await redis.hexists(keys.names, 'n')).toBe(0);
  });

  it('records a solution that predates the index, unless another one holds its name', async () => {
    const { scripts, keys } = ctx;
    await redis.hset(keys.solution('x'), 'name', 'Twin');
    await redis.hset(keys.solution('y'), 'name', 'twin');
    expect(await scripts.adoptIdentity({ id: 'x', nameKey: 'twin' })).toBe('indexed');
    expect(await scripts.adoptIdentity({ id: 'x', nameKey: 'twin' })).toBe('indexed');
    expect(await scripts.adoptIdentity({ id: 'y', nameKey: 'twin' })).toBe('name-shared');
    expect(await scripts.adoptIdentity({ id: 'z', nameKey: 'z' })).toBe('missing');
    expect(await redis.hget(keys.names, 'twin')).toBe('x');
    expect((await redis.smembers(keys.usedIds)).sort()).toEqual(['x', 'y']);
  });
});

describe('cancelEnrollment', () => {
  it('cancels a pending request once and leaves a decided one alone', async () => {
    const { scripts, keys } = ctx;
    expect(await scripts.cancelEnrollment({ enrollmentId: 'e', actor: 'admin-api', at: 5 })).toBe(
      'not-pending',
    );
    await redis.hset(keys.enrollment('e'), 'status', 'pending');
    await redis.hset(keys.enrollment('f'), 'status', 'approved');
    expect(await scripts.cancelEnrollment({ enrollmentId: 'e', actor: 'admin-api', at: 5 })).toBe(
      'cancelled',
    );
    expect(await scripts.cancelEnrollment({ enrollmentId: 'e', actor: 'admin-api', at: 6 })).toBe(
      'not-pending',
    );
    expect(await scripts.cancelEnrollment({ enrollmentId: 'f', actor: 'admin-api', at: 5 })).toBe(
      'not-pending',
    );
    expect(await redis.hgetall(keys.enrollment('e'))).toMatchObject({
      status: 'cancelled',
      decidedBy: 'admin-api',
      decidedAt: '5',
    });
  });
});

describe('ingestHealth', () => {
  const report = (observedAt: number, status: 'healthy' | 'unhealthy' = 'unhealthy') => ({
    id: 'a',
    status,
    observedAt,
    receivedAt: 10_000 + observedAt,
    message: `at ${observedAt}`,
    reportJson: JSON.stringify({ observedAt }),
    historyCap: 2,
    historyBudget: 1024,
  });

  it('says missing for an unknown solution and not-connected for one not connected', async () => {
    expect(await ctx.scripts.ingestHealth(report(1))).toBe('missing');
    await ctx.scripts.createSolution({
      id: 'a',
      nameKey: 'name-a',
      now: 1,
      firstDeadline: null,
      fields: { lifecycle: 'pending' },
    });
    expect(await ctx.scripts.ingestHealth(report(1))).toBe('not-connected');
  });

  it('applies the newest report and keeps a late older one in the capped history only', async () => {
    const { scripts, keys } = ctx;
    await createConnected('a');
    expect(await scripts.ingestHealth(report(200))).toBe('applied');
    expect(await scripts.ingestHealth(report(100, 'healthy'))).toBe('history-only');
    expect(await scripts.ingestHealth(report(300))).toBe('applied');
    const h = await redis.hgetall(keys.solution('a'));
    expect(h).toMatchObject({ lastObservedAt: '300', lastHealthStatus: 'unhealthy', unhealthyStreak: '2' });
    expect(await redis.llen(keys.healthHistory('a'))).toBe(2);
    expect(await redis.zscore(keys.deadlines, 'a')).toBe('10300');
  });

  it('keeps the history within its byte budget, the newest report always, counting a legacy history once', async () => {
    const { scripts, keys } = ctx;
    await createConnected('a');
    const sized = (observedAt: number, size: number) => ({
      ...report(observedAt),
      historyCap: 100,
      historyBudget: 1000,
      reportJson: JSON.stringify({ observedAt, pad: 'x'.repeat(size) }),
    });
    const stored = async () => (await redis.lrange(keys.healthHistory('a'), 0, -1)).map((r) => JSON.parse(r));
    const bytes = async () =>
      (await redis.lrange(keys.healthHistory('a'), 0, -1)).reduce((n, r) => n + Buffer.byteLength(r), 0);
    // A history from before the budget (no running total): counted once, then trimmed with the rest.
    for (let i = 1; i <= 5; i++)
      await redis.rpush(keys.healthHistory('a'), JSON.stringify({ old: i, pad: 'y'.repeat(300) }));
    await scripts.ingestHealth(sized(10, 300));
    expect((await stored()).map((r) => r.observedAt ?? `old ${r.old}`)).toEqual([10, 'old 1', 'old 2']);
    expect(Number(await redis.hget(keys.solution('a'), 'healthBytes'))).toBe(await bytes());
    for (let i = 11; i <= 20; i++) await scripts.ingestHealth(sized(i, 200));
    expect(await bytes()).toBeLessThanOrEqual(1000);
    expect((await stored()).map((r) => r.observedAt)).toEqual([20, 19, 18, 17]);
    expect(Number(await redis.hget(keys.solution('a'), 'healthBytes'))).toBe(await bytes());
    // One report over the whole budget is still kept, alone: the newest is what people look at.
    await scripts.ingestHealth(sized(21, 5000));
    expect((await stored()).map((r) => r.observedAt)).toEqual([21]);
    await scripts.ingestHealth(sized(22, 10));
    expect((await stored()).map((r) => r.observedAt)).toEqual([22]);
    expect(Number(await redis.hget(keys.solution('a'), 'healthBytes'))).toBe(await bytes());
  });

  describe('with a gate (a report through the API)', () => {
    const hash = 'ab'.repeat(32);
    const gate = { tokenHash: hash, limit: 2, windowMs: 60_000, now: 120_000 };
    const gated = (over: Partial<typeof gate> = {}) =>
      ctx.scripts.ingestHealth({ ...report(1), gate: { ...gate, ...over } });
    async function withToken(id: string, stored: string) {
      await createConnected(id);
      await redis.hset(ctx.keys.solution(id), 'tokenHash', stored);
      await redis.set(ctx.keys.token(stored), id);
    }

    it('refuses an unknown token, or one that is not the stored one, without writing', async () => {
      expect(await gated()).toBe('unauthorized');
      await withToken('a', 'cd'.repeat(32));
      await redis.set(ctx.keys.token(hash), 'a');
      expect(await gated()).toBe('unauthorized');
      expect(await redis.llen(ctx.keys.healthHistory('a'))).toBe(0);
      expect(await redis.exists(ctx.keys.rate(`token:${hash}`, 2))).toBe(0);
    });

    it("tells another solution's token apart", async () => {
      await withToken('b', hash);
      await createConnected('a');
      expect(await gated()).toBe('other-solution');
      expect(await redis.llen(ctx.keys.healthHistory('a'))).toBe(0);
    });

    it('writes within the rate limit and answers the time left once over it', async () => {
      await withToken('a', hash);
      expect(await gated()).toBe('applied');
      expect(await gated()).toBe('applied');
      const over = await gated();
      expect(over).toEqual({ retryAfterMs: expect.any(Number) });
      expect((over as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(50_000);
      expect(await redis.llen(ctx.keys.healthHistory('a'))).toBe(2);
      expect(await gated({ now: 180_000 })).toBe('applied');
    });
  });
});

describe('ingestEvents', () => {
  const events = (...ids: string[]) => ids.map((id) => ({ id, json: JSON.stringify({ id }) }));
  const ingest = (...ids: string[]) =>
    ctx.scripts.ingestEvents({
      id: 'a',
      receivedAt: 50,
      listCap: 10,
      idCap: 10,
      budget: 1_000_000,
      events: events(...ids),
      exportEnabled: false,
    });

  it('says missing or not-connected', async () => {
    expect(await ingest('e1')).toBe('missing');
    await ctx.scripts.createSolution({
      id: 'a',
      nameKey: 'name-a',
      now: 1,
      firstDeadline: null,
      fields: { lifecycle: 'dismissed' },
    });
    expect(await ingest('e1')).toBe('not-connected');
  });

  it('answers the ids newly stored with their sequence numbers, dropping duplicates', async () => {
    await createConnected('a');
    expect(await ingest('e1', 'e2')).toEqual({
      alertChannel: '',
      accepted: [
        { id: 'e1', seq: 1 },
        { id: 'e2', seq: 2 },
      ],
    });
    expect(await ingest('e2', 'e3')).toEqual({ alertChannel: '', accepted: [{ id: 'e3', seq: 3 }] });
    await redis.hset(ctx.keys.solution('a'), 'alertChannel', 'C0ALERTS');
    expect(await ingest('e1')).toEqual({ alertChannel: 'C0ALERTS', accepted: [] });
    expect(await redis.llen(ctx.keys.events('a'))).toBe(3);
  });

  describe('within a byte budget', () => {
    /** Events of exactly `bytes` bytes of JSON each. */
    const sized = (bytes: number, ...ids: string[]) =>
      ids.map((id) => {
        const json = JSON.stringify({ id, pad: '' });
        return { id, json: JSON.stringify({ id, pad: 'x'.repeat(bytes - json.length) }) };
      });
    const ingestSized = (budget: number, list: { id: string; json: string }[], listCap = 10) =>
      ctx.scripts.ingestEvents({
        id: 'a',
        receivedAt: 50,
        listCap,
        idCap: 100,
        budget,
        events: list,
        exportEnabled: false,
      });
    const storedIds = async () =>
      (await redis.lrange(ctx.keys.events('a'), 0, -1)).map((j) => (JSON.parse(j) as { id: string }).id);
    const dropped = () => redis.hgetall(ctx.keys.eventStats);

    it('drops the oldest events to make room, keeping the byte total and counting the drops', async () => {
      await createConnected('a');
      await ingestSized(1000, sized(300, 'e1', 'e2', 'e3'));
      expect(await storedIds()).toEqual(['e3', 'e2', 'e1']);
      // A fourth would make 1200 bytes: e1 goes, in the same step.
      await ingestSized(1000, sized(300, 'e4'));
      expect(await storedIds()).toEqual(['e4', 'e3', 'e2']);
      expect(await redis.hget(ctx.keys.solution('a'), 'eventBytes')).toBe('900');
      // Two more at once: both stored, the two oldest dropped.
      await ingestSized(1000, sized(300, 'e5', 'e6'));
      expect(await storedIds()).toEqual(['e6', 'e5', 'e4']);
      expect(await dropped()).toEqual({ 'dropped:budget': '3' });
    });

    it('counts the drops past the count cap, and keeps no event larger than the whole budget', async () => {
      await createConnected('a');
      const reply = await ingestSized(1000, [...sized(100, 'e1', 'e2', 'e3'), ...sized(1001, 'huge')], 2);
      expect(reply).toEqual({
        alertChannel: '',
        accepted: [
          { id: 'e1', seq: 1 },
          { id: 'e2', seq: 2 },
          { id: 'e3', seq: 3 },
          { id: 'huge', seq: 0 },
        ],
      });
      expect(await storedIds()).toEqual(['e3', 'e2']);
      expect(await redis.hget(ctx.keys.solution('a'), 'eventBytes')).toBe('200');
      expect(await dropped()).toEqual({ 'dropped:count': '1', 'dropped:oversize': '1' });
    });

    it('counts the bytes of a list stored before the budget existed, then holds it to the budget', async () => {
      await createConnected('a');
      const old = sized(400, 'old1', 'old2', 'old3');
      await redis.lpush(ctx.keys.events('a'), ...old.map((e) => e.json));
      await ingestSized(1000, sized(400, 'new1'));
      expect(await storedIds()).toEqual(['new1', 'old3']);
      expect(await redis.hget(ctx.keys.solution('a'), 'eventBytes')).toBe('800');
    });
  });
});

describe('storedEvents', () => {
  const add = (...ids: string[]) =>
    ctx.scripts.ingestEvents({
      id: 'a',
      receivedAt: 50,
      listCap: 3,
      idCap: 100,
      budget: 1_000_000,
      events: ids.map((id) => ({ id, json: id })),
      exportEnabled: false,
    });

  it('reads events by sequence number while they are kept, newest first', async () => {
    await createConnected('a');
    expect(await ctx.scripts.storedEvents({ id: 'a', low: 1, high: 2 })).toEqual([]);
    await add('e1', 'e2');
    await add('e3');
    expect(await ctx.scripts.storedEvents({ id: 'a', low: 1, high: 2 })).toEqual([
      { seq: 2, json: 'e2' },
      { seq: 1, json: 'e1' },
    ]);
    // The cap (3) drops e1 and e2: what is left of the stretch is read, the rest is gone.
    await add('e4', 'e5');
    expect(await ctx.scripts.storedEvents({ id: 'a', low: 2, high: 4 })).toEqual([
      { seq: 4, json: 'e4' },
      { seq: 3, json: 'e3' },
    ]);
    expect(await ctx.scripts.storedEvents({ id: 'a', low: 1, high: 2 })).toEqual([]);
  });
});

describe('commitEvaluation', () => {
  const commit = (over: Partial<Parameters<Scripts['commitEvaluation']>[0]> = {}) =>
    ctx.scripts.commitEvaluation({
      id: 'a',
      expectedRev: 1,
      expectedState: 'not_reported',
      expectedSeq: 0,
      exportEnabled: false,
      newState: 'unhealthy',
      at: 100,
      reason: 'r',
      deadline: 900,
      flipId: 'flip-a-1',
      deliverable: true,
      channel: 'C1',
      kind: 'incident',
      flipCap: 10,
      flipTtlMs: 60_000,
      now: 100,
      ...over,
    });

  it('says gone for a solution no longer connected, and drops it from the work list', async () => {
    await redis.zadd(ctx.keys.deadlines, 1, 'a');
    expect(await commit()).toBe('gone');
    expect(await redis.zscore(ctx.keys.deadlines, 'a')).toBeNull();
  });

  it('says stale when the facts, the state or the flip sequence moved', async () => {
    await createConnected('a');
    await redis.hset(ctx.keys.solution('a'), 'rev', '1');
    expect(await commit({ expectedRev: 2 })).toBe('stale');
    expect(await commit({ expectedState: 'healthy' })).toBe('stale');
    expect(await commit({ expectedSeq: 3 })).toBe('stale');
  });

  it('says same when the state did not change, and writes a flip into the outbox when it did', async () => {
    const { keys } = ctx;
    await createConnected('a');
    await redis.hset(keys.solution('a'), 'rev', '1');
    expect(await commit({ newState: 'not_reported', deadline: 700 })).toBe('same');
    expect(await redis.zscore(keys.deadlines, 'a')).toBe('700');
    expect(await commit()).toBe('flip');
    expect(await redis.hgetall(keys.flip('flip-a-1'))).toMatchObject({
      to: 'unhealthy',
      delivery: 'pending',
    });
    expect(await redis.zrange(keys.channelOutbox('C1'), '0', '-1')).toEqual(['flip-a-1']);
    expect(await redis.hget(keys.solution('a'), 'flipSeq')).toBe('1');
  });
});

describe('decideEnrollment', () => {
  const decide = (decision: 'approved' | 'denied', actor: string, expectedVersion?: number) =>
    ctx.scripts.decideEnrollment({
      enrollmentId: 'enr-1',
      solutionId: 'a',
      decision,
      actor,
      at: 5,
      firstDeadline: 50,
      expectedVersion,
    });

  it('says missing without the enrollment or without the solution', async () => {
    expect(await decide('approved', 'U1')).toEqual({ applied: false, status: 'missing', decidedBy: '' });
    await redis.hset(ctx.keys.enrollment('enr-1'), { status: 'pending', solutionId: 'a' });
    expect(await decide('approved', 'U1')).toEqual({ applied: false, status: 'missing', decidedBy: '' });
  });

  it('refuses a stale version, applies once, and tells later clicks who decided', async () => {
    await redis.hset(ctx.keys.enrollment('enr-1'), { status: 'pending', solutionId: 'a' });
    await ctx.scripts.createSolution({
      id: 'a',
      nameKey: 'name-a',
      now: 1,
      firstDeadline: null,
      fields: { version: '3' },
    });
    expect(await decide('approved', 'U1', 2)).toEqual({ applied: false, status: 'stale', decidedBy: '' });
    expect(await decide('approved', 'U1', 3)).toEqual({ applied: true, status: 'approved', decidedBy: 'U1' });
    expect(await decide('denied', 'U2')).toEqual({ applied: false, status: 'approved', decidedBy: 'U1' });
    expect(await redis.hget(ctx.keys.solution('a'), 'lifecycle')).toBe('connected');
    expect(await redis.zscore(ctx.keys.deadlines, 'a')).toBe('50');
  });
});

describe('setToken', () => {
  it('says missing, sets, refuses a second token when asked to, and revokes the old one', async () => {
    const { scripts, keys } = ctx;
    expect(await scripts.setToken({ id: 'a', hash: 'h1', onlyIfNone: true })).toBe('missing');
    await createConnected('a');
    expect(await scripts.setToken({ id: 'a', hash: 'h1', onlyIfNone: true })).toBe('set');
    expect(await scripts.setToken({ id: 'a', hash: 'h2', onlyIfNone: true })).toBe('exists');
    expect(await scripts.setToken({ id: 'a', hash: 'h2', onlyIfNone: false })).toBe('set');
    expect(await redis.exists(keys.token('h1'))).toBe(0);
    expect(await redis.get(keys.token('h2'))).toBe('a');
  });

  it('changes nothing when the stored hash moved since the caller read it (a racing rotation)', async () => {
    const { keys } = ctx;
    await createConnected('a');
    await ctx.scripts.setToken({ id: 'a', hash: 'h1', onlyIfNone: false });
    const reply = await runLua(
      redis,
      STORAGE_LUA,
      'setToken',
      [keys.solution('a'), keys.token('h3'), keys.token('h0')],
      ['a', 'h3', 'h0', '0'],
    );
    expect(decodeResult('setToken', reply)).toBe('changed');
    expect(await redis.hget(keys.solution('a'), 'tokenHash')).toBe('h1');
    expect(await redis.get(keys.token('h1'))).toBe('a');
    expect(await redis.exists(keys.token('h3'))).toBe(0);
  });
});

describe('hsetIfExists and updateConfig', () => {
  it('write only existing records, and a configuration only at its version', async () => {
    const { scripts, keys } = ctx;
    expect(await scripts.hsetIfExists({ key: keys.solution('a'), fields: { name: 'x' } })).toBe('missing');
    expect(await redis.exists(keys.solution('a'))).toBe(0);
    expect(
      await scripts.updateConfig({ id: 'a', nameKey: null, expectedVersion: 1, now: 7, fields: {} }),
    ).toBe('missing');
    await createConnected('a');
    expect(await scripts.hsetIfExists({ key: keys.solution('a'), fields: { owner: 'U9' } })).toBe('set');
    expect(
      await scripts.updateConfig({
        id: 'a',
        nameKey: null,
        expectedVersion: 2,
        now: 7,
        fields: { name: 'y' },
      }),
    ).toBe('stale');
    expect(
      await scripts.updateConfig({
        id: 'a',
        nameKey: null,
        expectedVersion: 1,
        now: 7,
        fields: { name: 'y' },
      }),
    ).toBe('ok');
    expect(
      await scripts.updateConfig({ id: 'a', nameKey: null, expectedVersion: null, now: 8, fields: {} }),
    ).toBe('ok');
    expect(await redis.hgetall(keys.solution('a'))).toMatchObject({ owner: 'U9', name: 'y', version: '3' });
    expect(await redis.zscore(keys.deadlines, 'a')).toBe('8');
  });

  it('moves the name index with a rename, and refuses a name another solution holds', async () => {
    const { scripts, keys } = ctx;
    const fields = { version: '1' };
    await scripts.createSolution({ id: 'a', nameKey: 'one', now: 1, firstDeadline: null, fields });
    await scripts.createSolution({ id: 'b', nameKey: 'two', now: 1, firstDeadline: null, fields });
    const rename = (id: string, nameKey: string) =>
      scripts.updateConfig({ id, nameKey, expectedVersion: null, now: 9, fields: { name: nameKey } });
    expect(await rename('b', 'one')).toBe('name-taken');
    expect(await redis.hget(keys.solution('b'), 'name')).toBeNull();
    expect(await rename('a', 'one')).toBe('ok'); // its own name
    expect(await rename('a', 'three')).toBe('ok');
    expect(await redis.hgetall(keys.names)).toEqual({ three: 'a', two: 'b' });
    expect(await rename('b', 'one')).toBe('ok');
  });
});

describe('releaseLease', () => {
  it('releases only its own lease, leaving the pacing gap', async () => {
    const lease = ctx.keys.channelPace('C1');
    await redis.set(lease, 'mine', 'PX', 10_000);
    expect(await ctx.scripts.releaseLease({ channel: 'C1', token: 'theirs', gapMs: 0 })).toBe('not-held');
    expect(await ctx.scripts.releaseLease({ channel: 'C1', token: 'mine', gapMs: 5_000 })).toBe('released');
    expect(await redis.get(lease)).toBe('gap');
    expect(await redis.pttl(lease)).toBeGreaterThan(0);
  });
});

describe('ingestBeat', () => {
  it('keeps the up-since instant across beats and restarts it after a gap', async () => {
    const beat = (now: number, starting = false) => ctx.scripts.ingestBeat({ now, gapMs: 100, starting });
    expect(await beat(1_000)).toBe(1_000);
    expect(await beat(1_050)).toBe(1_000);
    expect(await beat(1_500)).toBe(1_500);
  });

  it('restarts it when a web process has just started, even without a gap', async () => {
    const beat = (now: number, starting = false) => ctx.scripts.ingestBeat({ now, gapMs: 100, starting });
    expect(await beat(1_000)).toBe(1_000);
    expect(await beat(1_050, true)).toBe(1_050);
    expect(await beat(1_100)).toBe(1_050);
  });
});

describe('claimReminder', () => {
  it('lets only the caller that saw the score claim it', async () => {
    await redis.zadd(ctx.keys.reminders, 10, 'flip-a-1');
    expect(await ctx.scripts.claimReminder({ flipId: 'flip-a-1', expectedScore: 10, nextScore: 20 })).toBe(
      'claimed',
    );
    expect(await ctx.scripts.claimReminder({ flipId: 'flip-a-1', expectedScore: 10, nextScore: 30 })).toBe(
      'lost',
    );
    expect(await ctx.scripts.claimReminder({ flipId: 'flip-b-1', expectedScore: 10, nextScore: 30 })).toBe(
      'lost',
    );
  });
});

describe('retryFailed', () => {
  it('says missing, refuses an item that did not fail, and puts a failed one back in the outbox', async () => {
    const { scripts, keys } = ctx;
    const itemKey = keys.flip('flip-a-1');
    const boxes = { outboxKey: keys.outbox, backlogKey: keys.channelOutbox('C1') };
    expect(await scripts.retryFailed({ itemKey, ...boxes, channel: 'C1', now: 9 })).toBe('missing');
    await redis.hset(itemKey, { id: 'flip-a-1', channel: 'C1', delivery: 'sent' });
    expect(await scripts.retryFailed({ itemKey, ...boxes, channel: 'C1', now: 9 })).toBe('not-failed');
    await redis.hset(itemKey, { delivery: 'failed', error: 'boom' });
    expect(await scripts.retryFailed({ itemKey, ...boxes, channel: 'C2', now: 9 })).toBe('not-failed');
    expect(await scripts.retryFailed({ itemKey, ...boxes, channel: 'C1', now: 9 })).toBe('requeued');
    expect(await redis.hget(itemKey, 'error')).toBeNull();
    expect(await redis.zscore(keys.outbox, 'flip-a-1')).toBe('9');
  });
});

describe('rateHit', () => {
  it('counts hits in a window that expires', async () => {
    expect(await ctx.scripts.rateHit({ subject: 's', window: 1, windowMs: 60_000 })).toMatchObject({
      count: 1,
    });
    const second = await ctx.scripts.rateHit({ subject: 's', window: 1, windowMs: 60_000 });
    expect(second.count).toBe(2);
    expect(second.pttlMs).toBeGreaterThan(0);
    expect(second.pttlMs).toBeLessThanOrEqual(60_000);
  });
});
