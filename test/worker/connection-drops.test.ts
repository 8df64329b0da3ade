/**
 * Connections dropped or stalled without a Redis restart (RELIABILITY 28): CLIENT KILL and CLIENT PAUSE
 * on a private Redis. secsol reconnects by itself and every alert is still posted exactly once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { PrivateRedis } from '../harness/private-redis.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution, makeIncident } from './helpers.js';

let fake: FakeSlack;
let redis: PrivateRedis;
let admin: Redis;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  redis = await PrivateRedis.start();
  admin = new Redis(redis.url);
  app = await startApp(fake, { env: { REDIS_URL: redis.url, SECSOL_EXPECTED_EVERY: '1m' } });
});
afterAll(async () => {
  await app?.close();
  admin?.disconnect();
  await redis?.stop();
  await fake?.close();
});

const incidents = () => fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);

async function incidentPosted(name: string, expected: number): Promise<void> {
  const s = await waitUntil(async () => createSolution(app, name).catch(() => null), { timeoutMs: 10_000 });
  await waitUntil(
    async () =>
      makeIncident(app, s.id, s.token)
        .then(() => true)
        .catch(() => false),
    {
      timeoutMs: 10_000,
    },
  );
  await waitUntil(() => incidents().length === expected, { timeoutMs: 15_000, message: `${name} is posted` });
}

describe('when every client connection is killed, then Redis pauses all clients', () => {
  it('reconnects and posts each alert exactly once', async () => {
    await incidentPosted('Before faults', 1);

    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await incidentPosted('After client kill', 2);

    await admin.call('CLIENT', 'PAUSE', '3000');
    await incidentPosted('After client pause', 3);

    const ids = incidents().map((m) => m.metadata?.event_payload.delivery_id);
    expect(new Set(ids).size).toBe(3);
    expect(fake.invalid).toEqual([]);
  });
});
