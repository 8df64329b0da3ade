/**
 * End to end through HTTP, the real Redis and a fake Slack: enroll -> approve -> healthy reports ->
 * reports stop -> exactly one "Stopped reporting" alert -> reports resume -> the alert is updated and
 * the recovery is in its thread. The same for unhealthy reports.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack, type SlackCall } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import {
  alertsIn,
  enrollAndApprove,
  report,
  stateOf,
  stopsReportingAndComesBack,
} from './alert-scenarios.js';

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

describe('when a connected solution stops reporting and comes back', () => {
  it('posts exactly one stopped-reporting alert, then resolves it in place with a thread reply', async () => {
    app = await startApp(fake);
    await stopsReportingAndComesBack(app, fake);
  });
});

describe('when a connected solution reports unhealthy and recovers', () => {
  it('posts one unhealthy alert with the report message, then resolves it', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m' } });
    const { id, token } = await enrollAndApprove(app, fake, 'Palo Alto NGFW');
    await report(app, id, token, 'healthy');
    await waitUntil(async () => (await stateOf(app, id)) === 'healthy');

    await report(app, id, token, 'unhealthy', 'signature updates failing <@U999>');
    const [alert] = await fake.waitFor(alertsIn(ALERT_CHANNEL), { timeoutMs: 3000 });
    expect(String(alert?.args.text)).toContain('Unhealthy');
    const blocks = JSON.stringify(alert?.args.blocks);
    expect(blocks).toContain('signature updates failing &lt;@U999&gt;');
    expect(blocks).not.toContain('<@U999>');

    // More unhealthy reports do not post again: one message per incident.
    await report(app, id, token, 'unhealthy', 'still failing');
    await report(app, id, token, 'healthy');
    const ts = (alert as SlackCall).response
      ? ((alert as SlackCall).response as { ts: string }).ts
      : undefined;
    await fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts, { timeoutMs: 3000 });
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts);
    expect(fake.calls.filter(alertsIn(ALERT_CHANNEL))).toHaveLength(1);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when a solution flaps (stops, recovers, stops again soon after)', () => {
  it('reopens the same incident message instead of posting a new one', async () => {
    app = await startApp(fake, { env: { SECSOL_FLAP_WINDOW: '10m' } });
    const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Flappy sensor', vendor: 'Vendor' },
    });
    const { id, token } = created.body as { id: string; token: string };
    await report(app, id, token, 'healthy');
    const [alert] = await fake.waitFor(alertsIn(ALERT_CHANNEL), { timeoutMs: 8000 });
    const ts = ((alert as SlackCall).response as { ts: string }).ts;
    await report(app, id, token, 'healthy');
    await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts, {
      timeoutMs: 5000,
    });

    // It goes silent again within the flap window: the first message comes back, with a reply saying so.
    const [reopened] = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === ts && /Reopened/.test(String(c.args.text)),
      { timeoutMs: 8000 },
    );
    expect(String(reopened?.args.text)).toContain('flapping');
    const updates = fake.calls.filter((c) => c.method === 'chat.update' && c.args.ts === ts);
    expect(String(updates.at(-1)?.args.text)).toContain('Stopped reporting');
    // And it recovers once more, in the same message.
    await report(app, id, token, 'healthy');
    await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /Recovered/.test(String(c.args.text)),
      {
        count: 2,
        timeoutMs: 5000,
      },
    );
    expect(fake.calls.filter(alertsIn(ALERT_CHANNEL))).toHaveLength(1);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when an incident stays open and nobody acknowledges it', () => {
  it('reminds the channel in its thread until it recovers', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_REMIND_EVERY: '1500ms' } });
    const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Nagging WAF', vendor: 'Vendor', family: 'waf' },
    });
    const { id, token } = created.body as { id: string; token: string };
    await report(app, id, token, 'healthy');
    await waitUntil(
      async () =>
        (await call(`${app.url}/api/v1/solutions/${id}`, 'GET', { token: ADMIN_TOKEN })).body.flips.length ===
        1,
    );
    await report(app, id, token, 'unhealthy', 'rule sync failing');
    const [alert] = await fake.waitFor(alertsIn(ALERT_CHANNEL), { timeoutMs: 5000 });
    const ts = ((alert as SlackCall).response as { ts: string }).ts;
    const isReminder = (c: SlackCall) =>
      c.method === 'chat.postMessage' && c.args.thread_ts === ts && /Reminder/.test(String(c.args.text));
    const reminders = await fake.waitFor(isReminder, { count: 2, timeoutMs: 8000 });
    expect(String(reminders[0]?.args.text)).toContain('still *Unhealthy*');
    expect((reminders[1]?.at ?? 0) - (reminders[0]?.at ?? 0)).toBeGreaterThanOrEqual(1400);

    await report(app, id, token, 'healthy');
    await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === ts && /Recovered/.test(String(c.args.text)),
    );
    // The reminder is cancelled with the incident.
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.reminders)) === 0);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when someone acknowledges an open incident', () => {
  it('stops reminding', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_REMIND_EVERY: '1s' } });
    const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Acked EDR', vendor: 'Vendor', family: 'edr' },
    });
    const { id, token } = created.body as { id: string; token: string };
    await report(app, id, token, 'healthy');
    await waitUntil(
      async () =>
        (await call(`${app.url}/api/v1/solutions/${id}`, 'GET', { token: ADMIN_TOKEN })).body.flips.length ===
        1,
    );
    await report(app, id, token, 'unhealthy');
    const [alert] = await fake.waitFor(alertsIn(ALERT_CHANNEL), { timeoutMs: 5000 });
    const ts = ((alert as SlackCall).response as { ts: string }).ts;
    // What the Acknowledge button does (tested through Slack in test/slack/actions).
    await new SolutionRepository(app.ctx).acknowledge(id, 'U0ONCALL');
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.reminders)) === 0, {
      timeoutMs: 5000,
    });
    expect(fake.calls.filter((c) => c.args.thread_ts === ts && /Reminder/.test(String(c.args.text)))).toEqual(
      [],
    );
  });
});
