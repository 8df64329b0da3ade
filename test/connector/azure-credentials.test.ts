/**
 * A wrong client secret: Microsoft Entra (the local fake) answers `invalid_client` (AADSTS7000215), as it
 * does for real. secsol still starts and stays ready, counts and shows the failure, announces it once, and
 * the secret appears nowhere: not in the process's logs (trace level, the Azure SDK's own logging on too),
 * not in the notice, not in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, type SecsolProcess, spawnSecsol, type TestApp, testEnv } from '../harness/app.js';
import { type AzureFakes, CLIENT_SECRET, startAzureFakes } from '../harness/azure/azure-fakes.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, keysOf, testPrefix, testRedis } from '../harness/redis.js';
import { sendEvent } from '../harness/slack-requests.js';
import { waitUntil } from '../harness/wait.js';

const WRONG_SECRET = 'wrong-secret-Kx7~value-that-must-stay-hidden';
const prefix = testPrefix('azure-cred');
const redis = testRedis();
let fake: FakeSlack;
let azure: AzureFakes;
let proc: SecsolProcess;
let url = '';

async function metrics(): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** Every key and value stored under the prefix, as text. */
async function stored(): Promise<string> {
  const parts: string[] = [];
  for (const key of await keysOf(redis, prefix)) {
    parts.push(key);
    const type = await redis.type(key);
    if (type === 'string') parts.push(String(await redis.get(key)));
    else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
    else if (type === 'zset') parts.push(...(await redis.zrange(key, '0', '-1')));
    else if (type === 'set') parts.push(...(await redis.smembers(key)));
  }
  return parts.join('\n');
}

beforeAll(async () => {
  azure = await startAzureFakes();
  fake = await FakeSlack.start();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  proc = spawnSecsol(
    'main',
    testEnv(fake, prefix, {
      PORT: String(port),
      LOG_LEVEL: 'trace',
      // The SDK's own logger (to stderr) too: what an operator turns on to debug sign-in.
      AZURE_LOG_LEVEL: 'verbose',
      ...azure.env({
        AZURE_CLIENT_SECRET: WRONG_SECRET,
        SECSOL_AZURE_POLL_EVERY: '1s',
        SECSOL_AZURE_RETRY_BACKOFF: '100ms',
      }),
    }),
  );
  await waitUntil(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, { timeoutMs: 15_000 });
});

afterAll(async () => {
  proc?.kill('SIGKILL');
  await proc?.exited;
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
  await azure?.close();
  await fake?.close();
});

describe('with a wrong client secret', () => {
  it('starts, stays ready, and counts the failed reads', async () => {
    await waitUntil(
      async () => /secsol_connector_errors_total\{connector="azure"\} [2-9]/.test(await metrics()),
      {
        timeoutMs: 15_000,
      },
    );
    expect(await metrics()).not.toContain('secsol_connector_last_success_timestamp_seconds{');
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    // Entra refused the sign-in; ARM was never asked.
    expect(azure.entra.tokenRequests().every((r) => r.status === 401 && r.grant?.secretOk === false)).toBe(
      true,
    );
    expect(azure.arm.requests).toHaveLength(0);
    expect((await call(`${url}/api/v1/solutions`, 'GET', { token: ADMIN_TOKEN })).body.solutions).toEqual([]);
  });

  it('says why, once, in the channel and on App Home', async () => {
    const notices = () => fake.messages('C0ALERTS').filter((m) => m.text.includes('cannot read Azure'));
    await waitUntil(() => notices().length === 1);
    expect(notices()[0]?.text).toContain('sign-in to Microsoft Entra failed: invalid_client');
    expect(notices()[0]?.text).toContain('AADSTS7000215');

    await sendEvent({ url } as TestApp, {
      type: 'app_home_opened',
      user: 'U0HOME',
      channel: 'D0HOME',
      tab: 'home',
    });
    const [publish] = await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0HOME');
    const home = JSON.stringify(publish?.args.view);
    expect(home).toContain('Microsoft Defender for Cloud connector');
    expect(home).toContain('failing since');
    expect(home).toContain('AADSTS7000215');
    expect(notices()).toHaveLength(1);
  });

  it('never shows the secret: not in the logs, the notice, App Home or Redis', async () => {
    const log = proc.output();
    expect(log).toContain('AADSTS7000215'); // the logs do say what went wrong
    for (const secret of [WRONG_SECRET, CLIENT_SECRET]) {
      expect(log, 'the process output leaks the client secret').not.toContain(secret);
      expect(JSON.stringify(fake.calls), 'a Slack call leaks the client secret').not.toContain(secret);
      expect(await stored(), 'Redis holds the client secret').not.toContain(secret);
    }
    expect(log).not.toMatch(/unhandledRejection|uncaughtException/);
  });
});
