/**
 * Redis restarts while alerts are queued (RELIABILITY 27): the worker reconnects by itself, the queued
 * alert is posted once, and evaluation ticks go on. Runs against a private, persistent redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { PrivateRedis } from '../harness/private-redis.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution, makeIncident, report, solutionDetail, topLevelPosts } from './helpers.js';

let fake: FakeSlack;
let redis: PrivateRedis;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  redis = await PrivateRedis.start({ persistent: true });
  app = await startApp(fake, {
    env: {
      REDIS_URL: redis.url,
      SECSOL_EXPECTED_EVERY: '1m',
      SECSOL_ALERT_BACKOFF: '1s',
      SECSOL_ALERT_ATTEMPTS: '10',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await redis?.stop();
  await fake?.close();
});

describe('when Redis is killed and restarted while an alert waits for a retry', () => {
  it('reconnects, posts the alert exactly once and keeps evaluating', async () => {
    // Slack fails for a while, so the alert sits in the queue as a delayed retry.
    fake.script('chat.postMessage', { status: 500 }, { status: 500 }, { status: 500 });
    const s = await createSolution(app, 'Survives restart');
    await makeIncident(app, s.id, s.token);
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.status === 500);

    await redis.kill();
    await redis.restart();

    await waitUntil(() => fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts).length === 1, {
      timeoutMs: 30_000,
      message: 'the queued alert is posted after the restart',
    });
    // Ticks go on: a recovery after the restart is judged and told in the incident's thread.
    await report(app, s.id, s.token, 'healthy');
    await waitUntil(
      async () => {
        const latest = (await solutionDetail(app, s.id)).flips[0];
        return latest?.to === 'healthy' && latest.delivery === 'sent';
      },
      { timeoutMs: 15_000 },
    );
    expect(fake.messages(ALERT_CHANNEL).filter((m) => m.thread_ts)).toHaveLength(1);
    expect(fake.calls.filter((c) => topLevelPosts(ALERT_CHANNEL)(c) && c.status === 200)).toHaveLength(1);
    expect(fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(1);
  });
});
