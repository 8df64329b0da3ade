/**
 * How alert delivery behaves when Slack misbehaves: 429 (wait Retry-After, no hammering), 5xx, resets,
 * timeouts and transient errors (backoff, then exactly one post), permanent errors (one call, recorded,
 * visible, not retried).
 */
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution, deliveryIdOf, makeIncident, solutionDetail, topLevelPosts } from './helpers.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await app?.close();
  fake.reset();
});

const postsTo = topLevelPosts(ALERT_CHANNEL);

describe('when Slack answers 429 with Retry-After', () => {
  it('waits the Retry-After before calling again and posts each alert once', async () => {
    app = await startApp(fake, { env: { SECSOL_DIGEST_THRESHOLD: '10', SECSOL_EXPECTED_EVERY: '1m' } });
    fake.script('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 429, retryAfter: 1 });
    const solutions = await Promise.all(['one', 'two', 'three'].map((n) => createSolution(app, `Rate ${n}`)));
    await Promise.all(solutions.map((s) => makeIncident(app, s.id, s.token)));

    await waitUntil(() => fake.calls.filter((c) => postsTo(c) && c.status === 200).length === 3, {
      timeoutMs: 15_000,
    });
    const posts = fake.calls.filter(postsTo);
    // 3 alerts + the 2 refused calls: the client does not retry on its own on top of BullMQ.
    expect(posts).toHaveLength(5);
    const ok = posts.filter((c) => c.status === 200).map(deliveryIdOf);
    expect(new Set(ok).size).toBe(3);
    for (const [i, c] of posts.entries()) {
      if (c.status !== 429) continue;
      const next = posts[i + 1];
      if (next) expect(next.at - c.at).toBeGreaterThanOrEqual(950);
    }
  });
});

describe('when Slack fails transiently (500, 503, reset, internal_error, timeout)', () => {
  it('retries with growing backoff and posts the alert exactly once', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_ALERT_ATTEMPTS: '8' } });
    fake.script(
      'chat.postMessage',
      { status: 500 },
      { status: 503 },
      { reset: true },
      { ok: false, error: 'internal_error' },
    );
    const s = await createSolution(app, 'Flaky transport');
    await makeIncident(app, s.id, s.token);
    await waitUntil(
      () => fake.calls.some((c) => postsTo(c) && c.status === 200 && (c.response as { ok?: boolean }).ok),
      {
        timeoutMs: 20_000,
      },
    );
    const attempts = fake.calls.filter(postsTo);
    expect(attempts).toHaveLength(5);
    const gaps = attempts.slice(1).map((c, i) => c.at - (attempts[i] as { at: number }).at);
    // Exponential backoff from 200 ms: attempt n waits at least 200 * 2^(n-1) ms, so the gaps keep growing.
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(200 * 2 ** i * 0.95);
      if (i > 0) expect(gap).toBeGreaterThan(gaps[i - 1] as number);
    });
    expect(fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
    await waitUntil(async () => (await solutionDetail(app, s.id)).flips[0]?.delivery === 'sent');
  });

  it('gives up after the configured attempts, records the failure and shows it', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_ALERT_ATTEMPTS: '3' } });
    fake.script('chat.postMessage', { status: 500 }, { status: 500 }, { status: 500 });
    const s = await createSolution(app, 'Never delivered');
    await makeIncident(app, s.id, s.token);
    await waitUntil(async () => (await solutionDetail(app, s.id)).flips[0]?.delivery === 'failed', {
      timeoutMs: 15_000,
    });
    expect(fake.calls.filter(postsTo)).toHaveLength(3);
    const metrics = await call(`${app.url}/metrics`, 'GET');
    expect(metrics.text).toMatch(/secsol_delivery_errors 1/);
  });
});

describe('when Slack refuses for good (channel_not_found, not_in_channel, invalid_auth)', () => {
  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth'])(
    'makes one call for %s, records it, and does not retry',
    async (error) => {
      app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m' } });
      fake.script('chat.postMessage', { ok: false, error });
      const s = await createSolution(app, `Refused ${error}`);
      await makeIncident(app, s.id, s.token);
      await waitUntil(async () => (await solutionDetail(app, s.id)).flips[0]?.delivery === 'failed');
      const queue = new Queue('deliver', { connection: app.ctx.redis, prefix: app.ctx.keys.bullPrefix });
      await waitUntil(async () => (await queue.getJobCounts('failed')).failed === 1);
      await queue.close();
      expect(fake.calls.filter(postsTo)).toHaveLength(1);
      const errors = await app.ctx.redis.lrange(app.ctx.keys.deliveryErrors, 0, -1);
      expect(errors.join()).toContain(error);
      expect(errors.join()).not.toContain('xoxb-');
    },
  );
});

describe('when an operator fixes the cause of a permanent failure', () => {
  it('lists the failure and sends it again, once, on request', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m' } });
    fake.script('chat.postMessage', { ok: false, error: 'not_in_channel' });
    const s = await createSolution(app, 'Bot not invited');
    await makeIncident(app, s.id, s.token);
    await waitUntil(async () => (await solutionDetail(app, s.id)).flips[0]?.delivery === 'failed');
    const flipId = (await solutionDetail(app, s.id)).flips[0]?.id as string;

    const failed = await call(`${app.url}/api/v1/deliveries/failed`, 'GET', { token: ADMIN_TOKEN });
    expect(failed.body.failures).toEqual([
      expect.objectContaining({ itemId: flipId, error: 'not_in_channel' }),
    ]);

    // The bot was invited: send it again.
    const retried = await call(`${app.url}/api/v1/deliveries/${flipId}/retry`, 'POST', {
      token: ADMIN_TOKEN,
    });
    expect(retried.status).toBe(202);
    await waitUntil(async () => (await solutionDetail(app, s.id)).flips[0]?.delivery === 'sent');
    expect(fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
    const again = await call(`${app.url}/api/v1/deliveries/${flipId}/retry`, 'POST', { token: ADMIN_TOKEN });
    expect(again.status).toBe(409);
    const unknown = await call(`${app.url}/api/v1/deliveries/flip-nope-1/retry`, 'POST', {
      token: ADMIN_TOKEN,
    });
    expect(unknown.status).toBe(404);
  });
});
