/**
 * secsol down for a few seconds, with solutions expected every 2 s: when it comes back and they report
 * again within a second, none of them is flagged for secsol's own silence (the start of a web process
 * restarts the cadence; the ingestion gap is sized to the cadences in use).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

const env = { SECSOL_EXPECTED_EVERY: '2s', SECSOL_GRACE: '1s' };
const prefix = testPrefix('short-outage');
let fake: FakeSlack | undefined;
let app: TestApp | undefined;

afterAll(async () => {
  await app?.close();
  await fake?.close();
  const redis = testRedis();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

describe('when secsol is down for 6 s and its solutions report again as soon as it is back', () => {
  it('flags none of them', async () => {
    fake = await FakeSlack.start();
    app = await startApp(fake, { prefix, env, freshStart: true });
    const solutions: { id: string; token: string }[] = [];
    for (const name of ['Outage A', 'Outage B', 'Outage C']) {
      const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
        token: ADMIN_TOKEN,
        body: { name, vendor: 'F5' },
      });
      solutions.push(res.body);
    }
    const reportAll = (url: string) =>
      Promise.all(
        solutions.map((s) =>
          call(`${url}/api/v1/solutions/${s.id}/health`, 'POST', {
            token: s.token,
            body: { status: 'healthy' },
          }),
        ),
      );
    const healthy = async (url: string) => {
      const res = await call(`${url}/api/v1/solutions`, 'GET', { token: ADMIN_TOKEN });
      return (res.body.solutions as { state: string }[]).every((s) => s.state === 'healthy');
    };
    await reportAll(app.url);
    await waitUntil(() => healthy((app as TestApp).url), { timeoutMs: 10_000 });

    // Down: the process stops (its data stays), for 6 s, longer than every cadence.
    await app.running.close();
    const downAt = Date.now();
    await waitUntil(() => Date.now() - downAt >= 6000, { timeoutMs: 10_000, intervalMs: 200 });

    app = await startApp(fake, { prefix, env, freshStart: true });
    const back = app;
    await waitUntil(async () => (await fetch(`${back.url}/healthz`)).ok, { timeoutMs: 5000 });
    await reportAll(back.url);
    // They go on reporting every second for a few cadences; the worker ticks all along.
    for (let i = 0; i < 4; i++) {
      const at = Date.now();
      await waitUntil(() => Date.now() - at >= 1000, { timeoutMs: 5000, intervalMs: 100 });
      await reportAll(back.url);
    }
    expect(await healthy(back.url)).toBe(true);
    for (const s of solutions) {
      const detail = await call(`${back.url}/api/v1/solutions/${s.id}`, 'GET', { token: ADMIN_TOKEN });
      expect(
        detail.body.flips.map((f: { to: string }) => f.to),
        s.id,
      ).not.toContain('stopped_reporting');
    }
    // The only message is the worker's own notice that evaluation had stopped: no alert about a solution.
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.args.text)).toEqual([
      expect.stringMatching(/^health evaluation had stopped for \d+s and is running again$/),
    ]);
  });
});
