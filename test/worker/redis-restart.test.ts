/**
 * Redis restarts while alerts are queued (RELIABILITY 27): the worker reconnects by itself, the queued
 * alert is posted once, and evaluation ticks go on. Runs against a private, persistent redis-server.
 */
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import { privateRedisForFile, secsolTest } from '../harness/fixtures.js';
import { topLevelPosts } from '../harness/slack-expectations.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest().extend('redis', { scope: 'file' }, privateRedisForFile({ persistent: true }));

describe('when Redis is killed and restarted while an alert waits for a retry', () => {
  it('reconnects, posts the alert exactly once and keeps evaluating', async ({
    fake,
    startSecsol,
    redis,
  }) => {
    const secsol = await startSecsol({
      env: {
        REDIS_URL: redis.url,
        SECSOL_EXPECTED_EVERY: '1m',
        SECSOL_ALERT_BACKOFF: '1s',
        SECSOL_ALERT_ATTEMPTS: '10',
      },
    });
    // Slack fails for a while, so the alert sits in the queue as a delayed retry.
    fake.script('chat.postMessage', { status: 500 }, { status: 500 }, { status: 500 });
    const s = await secsol.createSolution('Survives restart');
    await secsol.startIncident(s);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.status === 500);

    await redis.kill();
    await redis.restart();

    await waitUntil(() => fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts).length === 1, {
      timeoutMs: 30_000,
      message: 'the queued alert is posted after the restart',
    });
    // Ticks go on: a recovery after the restart is judged and told in the incident's thread.
    expect((await secsol.report(s, 'healthy')).status).toBe(202);
    await waitUntil(
      async () => {
        const latest = (await secsol.solution(s.id)).flips[0];
        return latest?.to === 'healthy' && latest.delivery === 'sent';
      },
      { timeoutMs: 15_000 },
    );
    expect(fake.messages(ALERT_CHANNEL).filter((m) => m.thread_ts)).toHaveLength(1);
    expect(fake.calls.filter((c) => topLevelPosts(ALERT_CHANNEL)(c) && c.status === 200)).toHaveLength(1);
    expect(fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
  });
});
