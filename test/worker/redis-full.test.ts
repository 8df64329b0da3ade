/**
 * Redis full (maxmemory reached with `noeviction`, which secsol requires) while work is due: reports are
 * refused with 503 (not 500), nothing is half-written, and once memory is freed the solution that went
 * silent meanwhile flips and is alerted exactly once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startApp, type TestApp } from '../harness/app.js';
import { Secsol } from '../harness/drivers.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { PrivateRedis } from '../harness/private-redis.js';
import { solutionIdOf, topLevelPosts } from '../harness/slack-expectations.js';
import { waitUntil } from '../harness/wait.js';

let redis: PrivateRedis;
let fake: FakeSlack;
let app: TestApp;
let probe: Redis;

beforeAll(async () => {
  redis = await PrivateRedis.start({ args: ['--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'] });
  probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  fake = await FakeSlack.start();
  app = await startApp(fake, {
    redis: { env: { REDIS_URL: redis.url }, connect: () => new Redis(redis.url) },
    env: { SECSOL_EXPECTED_EVERY: '4s', SECSOL_GRACE: '1s' },
  });
});
afterAll(async () => {
  await app?.close();
  probe?.disconnect();
  await redis?.stop();
  await fake?.close();
});

/** Writes filler until Redis refuses even small writes with OOM; returns the filler's keys. */
async function fillRedis(): Promise<string[]> {
  const keys: string[] = [];
  for (const size of [64 * 1024, 4 * 1024, 256]) {
    const chunk = 'x'.repeat(size);
    for (let i = 0; i < 10_000; i++) {
      const key = `filler:${size}:${i}`;
      try {
        await probe.set(key, chunk);
        keys.push(key);
      } catch (err) {
        expect((err as Error).message).toMatch(/OOM/);
        break;
      }
    }
  }
  return keys;
}

describe('when Redis is full while a solution goes silent', () => {
  it('refuses reports with 503, then alerts the silence exactly once when memory is freed', async () => {
    const secsol = new Secsol(app, fake);
    const quiet = await secsol.createSolution('Goes Quiet');
    const talker = await secsol.createSolution('Keeps Talking');
    // The talker first: the quiet one's 5 s (4 s cadence + 1 s grace) start last, and filling Redis takes
    // well under that even on a loaded machine.
    await secsol.becomeHealthy(talker);
    await secsol.becomeHealthy(quiet);

    const filler = await fillRedis();
    // A report cannot be stored: 503 with Retry-After, never a 500.
    const refused = await secsol.report(talker, 'healthy');
    expect(refused.status).toBe(503);
    // The quiet solution's deadline passes while Redis is full (4 s cadence + 1 s grace). Whatever secsol or
    // BullMQ frees meanwhile (completed jobs, expired keys) is filled again, so Redis stays full throughout.
    const fullSince = Date.now();
    await waitUntil(
      async () => {
        filler.push(...(await fillRedis()));
        return Date.now() - fullSince >= 6000;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(fake.calls.filter((c) => topLevelPosts(ALERT_CHANNEL)(c) && solutionIdOf(c) === quiet.id)).toEqual(
      [],
    );

    await probe.del(...filler);
    await secsol.stopReporting(quiet, { timeoutMs: 20_000 });
    // Give a duplicate every chance to appear, then count.
    const freedAt = Date.now();
    await waitUntil(() => Date.now() - freedAt >= 3000, { timeoutMs: 10_000, intervalMs: 250 });
    const alerts = fake.calls.filter((c) => topLevelPosts(ALERT_CHANNEL)(c) && solutionIdOf(c) === quiet.id);
    expect(alerts).toHaveLength(1);
    const detail = await secsol.solution(quiet.id);
    expect(detail.flips.filter((f: { to: string }) => f.to === 'stopped_reporting')).toHaveLength(1);
  });
});
