/**
 * The host clock steps (an NTP correction, a VM resumed): evaluation ticks keep running, and readiness
 * fails while they do not.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack;
const apps: TestApp[] = [];
beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await fake?.close();
});

describe('when the clock steps back an hour under a running worker', () => {
  it('reschedules the ticks so that evaluation goes on', async () => {
    const app = await startApp(fake);
    apps.push(app);
    const { ctx } = app;
    const heartbeat = () => ctx.redis.get(ctx.keys.heartbeat);
    await waitUntil(async () => (await heartbeat()) !== null, { timeoutMs: 10_000 });
    // What a step back does to the scheduler: its stored next run is now an hour away.
    const redis = testRedis();
    const queue = new Queue('evaluate', { connection: redis, prefix: ctx.keys.bullPrefix });
    try {
      // The scheduler's next tick is a delayed job at a wall-clock instant; push it an hour away.
      // The scheduler promotes it every 200 ms: one promoted between the read and the change is no longer
      // delayed (BullMQ throws), so read and change again until one change lands.
      await waitUntil(
        async () => {
          const [job] = await queue.getDelayed();
          if (!job) return false;
          await job.changeDelay(3_600_000);
          return true;
        },
        { timeoutMs: 5000, intervalMs: 20 },
      );
      // No tick for a while now (the one in flight, if any, ends)…
      let last = await heartbeat();
      await waitUntil(
        async () => {
          const beat = await heartbeat();
          const still = beat === last;
          last = beat;
          return still;
        },
        { timeoutMs: 5000, intervalMs: 600 },
      );
      const stalledAt = await heartbeat();
      // Ticks stop, then come back within the watchdog's patience (2 s here) plus a tick.
      await waitUntil(async () => (await heartbeat()) !== stalledAt, { timeoutMs: 8000 });
      const next = await heartbeat();
      await waitUntil(async () => (await heartbeat()) !== next, { timeoutMs: 3000 });
      expect((await fetch(`${app.url}/readyz`)).status).toBe(200);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});

describe('when the last tick is far in the future (the clock stepped back) and no tick runs', () => {
  it('is not ready, and says why', async () => {
    const app = await startApp(fake, { worker: false });
    apps.push(app);
    await app.ctx.redis.set(app.ctx.keys.heartbeat, String(Date.now() + 3_600_000));
    const res = await fetch(`${app.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: { evaluation: string } }).checks.evaluation).toMatch(
      /in the future/,
    );
  });
});
