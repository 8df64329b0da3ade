/**
 * Secrets stay out of logs and Redis (RELIABILITY 7.1 checks): after a session that creates, enrolls,
 * reports, runs a slash command and clicks, neither the debug log of a real secsol process nor any value
 * stored under its prefix contains the bot token, the signing secret, the API keys, an ingestion token
 * or a response URL.
 */
import { afterAll, describe, expect } from 'vitest';
import { ADMIN_TOKEN, call, ENROLLMENT_KEY, SIGNING_SECRET, testEnv } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, keysOf, testPrefix, testRedis } from '../harness/redis.js';
import { sendSigned, slashCommandBody } from '../harness/slack-signer.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest();
const prefix = testPrefix('secrets');
const redis = testRedis();

afterAll(async () => {
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

async function storedValues(): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysOf(redis, prefix)) {
    parts.push(key);
    const type = await redis.type(key);
    if (type === 'string') parts.push(String(await redis.get(key)));
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(...(await redis.smembers(key)));
    else if (type === 'zset') parts.push(...(await redis.zrange(key, '0', '-1')));
  }
  return parts.join('\n');
}

describe('after a session that touches every secret', () => {
  it('logs none of them and stores none of them', async ({ fake, spawnSecsol }) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = spawnSecsol(
      'main',
      testEnv(fake, prefix, { PORT: String(port), LOG_LEVEL: 'trace', SECSOL_EXPECTED_EVERY: '1m' }),
    );
    await waitUntil(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, { timeoutMs: 10_000 });

    const created = await call(`${url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Secret keeper', vendor: 'Vendor' },
    });
    const token = created.body.token as string;
    expect(
      (
        await call(`${url}/api/v1/solutions/${created.body.id}/health`, 'POST', {
          token,
          body: { status: 'unhealthy' },
        })
      ).status,
    ).toBe(202);
    const enrolled = await call(`${url}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'Enrolled one', vendor: 'Vendor' },
    });
    await call(`${url}/api/v1/enroll/${enrolled.body.enrollmentId}/approve`, 'POST', { token: ADMIN_TOKEN });
    const polled = await call(`${url}/api/v1/enroll/${enrolled.body.enrollmentId}`, 'GET', {
      token: ENROLLMENT_KEY,
    });
    const enrolledToken = polled.body.token as string;
    expect(enrolledToken).toMatch(/^secsol_/);
    await call(`${url}/api/v1/solutions/x/health`, 'POST', {
      token: 'secsol_wrong-token-value-123456',
      body: {},
    });
    const responseUrl = fake.newResponseUrl();
    await sendSigned(`${url}/slack/events`, slashCommandBody({ text: 'alerts', response_url: responseUrl }), {
      secret: SIGNING_SECRET,
    });
    await waitUntil(() => fake.responsePosts(responseUrl).length > 0);
    // The unhealthy report becomes an alert: the worker has talked to Slack too.
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ALERTS', {
      timeoutMs: 10_000,
    });

    const secrets = [
      'xoxb-test-token',
      SIGNING_SECRET,
      ADMIN_TOKEN,
      ENROLLMENT_KEY,
      token,
      enrolledToken,
      'secsol_wrong-token-value-123456',
      responseUrl,
    ];
    const log = proc.output();
    expect(log.length).toBeGreaterThan(1000);
    const stored = await storedValues();
    for (const secret of secrets) {
      expect(log, `log leaks ${secret.slice(0, 12)}…`).not.toContain(secret);
      expect(stored, `Redis holds ${secret.slice(0, 12)}…`).not.toContain(secret);
    }
    expect(log).not.toMatch(/unhandledRejection|uncaughtException/);
  });
});
