/**
 * How alert delivery behaves when Slack misbehaves: 429 (wait Retry-After, no hammering), 5xx, resets,
 * timeouts and transient errors (backoff, then exactly one post), permanent errors (one call, recorded,
 * visible, not retried).
 */
import { Queue } from 'bullmq';
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { deliveryIdOf, topLevelPosts } from '../harness/slack-expectations.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest();

const postsTo = topLevelPosts(ALERT_CHANNEL);

describe('when Slack answers 429 with Retry-After', () => {
  it('waits the Retry-After before calling again and posts each alert once', async ({
    fake,
    startSecsol,
  }) => {
    const secsol = await startSecsol({ env: { SECSOL_DIGEST_THRESHOLD: '10', SECSOL_EXPECTED_EVERY: '1m' } });
    fake.script('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 429, retryAfter: 1 });
    const solutions = await Promise.all(
      ['one', 'two', 'three'].map((n) => secsol.createSolution(`Rate ${n}`)),
    );
    await Promise.all(solutions.map((s) => secsol.startIncident(s)));

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
  it('retries with growing backoff and posts the alert exactly once', async ({ fake, startSecsol }) => {
    const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_ALERT_ATTEMPTS: '8' } });
    fake.script(
      'chat.postMessage',
      { status: 500 },
      { status: 503 },
      { reset: true },
      { ok: false, error: 'internal_error' },
    );
    const s = await secsol.createSolution('Flaky transport');
    await secsol.startIncident(s);
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
    await waitUntil(async () => (await secsol.solution(s.id)).flips[0]?.delivery === 'sent');
  });

  it('gives up after the configured attempts, records the failure and shows it', async ({
    fake,
    startSecsol,
  }) => {
    const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_ALERT_ATTEMPTS: '3' } });
    fake.script('chat.postMessage', { status: 500 }, { status: 500 }, { status: 500 });
    const s = await secsol.createSolution('Never delivered');
    await secsol.startIncident(s);
    await waitUntil(async () => (await secsol.solution(s.id)).flips[0]?.delivery === 'failed', {
      timeoutMs: 15_000,
    });
    expect(fake.calls.filter(postsTo)).toHaveLength(3);
    const metrics = await secsol.api('GET', '/metrics');
    expect(metrics.text).toMatch(/secsol_delivery_errors 1/);
  });
});

describe('when Slack refuses for good (channel_not_found, not_in_channel, invalid_auth)', () => {
  it.for(['channel_not_found', 'not_in_channel', 'invalid_auth'])(
    'makes one call for %s, records it, and does not retry',
    async (error, { fake, startSecsol }) => {
      const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m' } });
      fake.script('chat.postMessage', { ok: false, error });
      const s = await secsol.createSolution(`Refused ${error}`);
      await secsol.startIncident(s);
      await waitUntil(async () => (await secsol.solution(s.id)).flips[0]?.delivery === 'failed');
      const queue = new Queue('deliver', {
        connection: secsol.app.ctx.redis,
        prefix: secsol.app.ctx.keys.bullPrefix,
      });
      await waitUntil(async () => (await queue.getJobCounts('failed')).failed === 1);
      await queue.close();
      expect(fake.calls.filter(postsTo)).toHaveLength(1);
      const errors = await secsol.app.ctx.redis.lrange(secsol.app.ctx.keys.deliveryErrors, 0, -1);
      expect(errors.join()).toContain(error);
      expect(errors.join()).not.toContain('xoxb-');
    },
  );
});

describe('when an operator fixes the cause of a permanent failure', () => {
  it('lists the failure and sends it again, once, on request', async ({ fake, startSecsol }) => {
    const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m' } });
    fake.script('chat.postMessage', { ok: false, error: 'not_in_channel' });
    const s = await secsol.createSolution('Bot not invited');
    await secsol.startIncident(s);
    await waitUntil(async () => (await secsol.solution(s.id)).flips[0]?.delivery === 'failed');
    const flipId = (await secsol.solution(s.id)).flips[0]?.id as string;

    const failed = await secsol.admin('GET', `/api/v1/deliveries/failed`);
    expect(failed.body.failures).toEqual([
      expect.objectContaining({ itemId: flipId, error: 'not_in_channel' }),
    ]);

    // The bot was invited: send it again.
    const retried = await secsol.admin('POST', `/api/v1/deliveries/${flipId}/retry`);
    expect(retried.status).toBe(202);
    await waitUntil(async () => (await secsol.solution(s.id)).flips[0]?.delivery === 'sent');
    expect(fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
    const again = await secsol.admin('POST', `/api/v1/deliveries/${flipId}/retry`);
    expect(again.status).toBe(409);
    const unknown = await secsol.admin('POST', `/api/v1/deliveries/flip-nope-1/retry`);
    expect(unknown.status).toBe(404);
  });
});
