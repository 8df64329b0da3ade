/**
 * A Redis outage is logged once and summed up once when Redis is back, not once per client per
 * reconnect attempt (which buried everything else at several lines a second).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type SecsolProcess, spawnSecsol, testEnv } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { freePort, PrivateRedis } from '../harness/private-redis.js';
import { testPrefix } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack | undefined;
let redis: PrivateRedis | undefined;
let proc: SecsolProcess | undefined;

afterAll(async () => {
  proc?.kill('SIGKILL');
  await proc?.exited;
  await redis?.stop();
  await fake?.close();
});

const lines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as {
          level: number;
          msg: string;
          err?: string;
          source?: string;
          suppressedErrors?: number;
        },
    );

describe('when Redis goes away for a few seconds', () => {
  it('logs one line when it goes and one summary when it is back', async () => {
    fake = await FakeSlack.start();
    redis = await PrivateRedis.start();
    const port = await freePort();
    const env = testEnv(fake, testPrefix('outage'), {
      REDIS_URL: redis.url,
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    proc = spawnSecsol('main', env);
    const running = proc;
    await waitUntil(() => running.output().includes('secsol started'), { timeoutMs: 20_000 });

    await redis.kill();
    // Let the outage last long enough for every client to retry many times (ioredis retries every
    // 50 ms to 2 s; BullMQ's queues and workers each report every failure).
    const downAt = Date.now();
    await waitUntil(() => Date.now() - downAt >= 4000, { timeoutMs: 10_000, intervalMs: 250 });
    await redis.restart();
    await waitUntil(() => running.output().includes('redis available again'), { timeoutMs: 20_000 });

    const logged = lines(running.output());
    const warnings = logged.filter((l) => l.level >= 40);
    expect(warnings.filter((l) => l.msg.startsWith('redis unavailable'))).toHaveLength(1);
    const summary = warnings.find((l) => l.msg === 'redis available again');
    expect(summary?.suppressedErrors).toBeGreaterThan(5);
    // Everything else the outage caused: a handful of lines at most, not several a second.
    expect(
      warnings.length,
      JSON.stringify(warnings.map((w) => [w.msg, w.err, w.source])),
    ).toBeLessThanOrEqual(4);
  });
});
