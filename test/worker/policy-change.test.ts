/**
 * What is shown and what is alerted agree after the default policy changes: restarted with a shorter
 * SECSOL_EXPECTED_EVERY, a solution that is now stale flips (and is alerted) instead of only looking
 * stale in `/secsol status` while its deadline is still the old one, an hour away.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

const prefix = testPrefix('policy');
let fake: FakeSlack | undefined;
let app: TestApp | undefined;

afterAll(async () => {
  await app?.close();
  await fake?.close();
  const redis = testRedis();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

describe('when secsol restarts with a shorter default cadence', () => {
  it('judges every solution again, so a now-stale one flips and is alerted', async () => {
    fake = await FakeSlack.start();
    app = await startApp(fake, { prefix, env: { SECSOL_EXPECTED_EVERY: '1h' } });
    const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Policy Change', vendor: 'Qualys' },
    });
    const s = created.body as { id: string; token: string };
    await call(`${app.url}/api/v1/solutions/${s.id}/health`, 'POST', {
      token: s.token,
      body: { status: 'healthy' },
    });
    const first = app;
    await waitUntil(async () => {
      const d = await call(`${first.url}/api/v1/solutions/${s.id}`, 'GET', { token: ADMIN_TOKEN });
      return d.body.state === 'healthy' && d.body.flips.length > 0;
    });
    await app.running.close();

    app = await startApp(fake, { prefix, env: { SECSOL_EXPECTED_EVERY: '2s', SECSOL_GRACE: '1s' } });
    const second = app;
    const detail = await waitUntil(
      async () => {
        const d = await call(`${second.url}/api/v1/solutions/${s.id}`, 'GET', { token: ADMIN_TOKEN });
        return d.body.flips[0]?.to === 'stopped_reporting' && d.body.flips[0]?.delivery === 'sent'
          ? d.body
          : null;
      },
      { timeoutMs: 15_000, message: 'the stale solution flips and is alerted' },
    );
    expect(detail.state).toBe('stopped_reporting');
  });
});
