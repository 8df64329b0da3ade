/**
 * The incident message as a new user meets it, end to end (HTTP, the real Redis, a fake Slack): what it
 * shows must match the incident's state at every step, and every edit of a message secsol posted goes
 * through the outbox like the posts do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import {
  ADMIN_TOKEN,
  ALERT_CHANNEL,
  APPROVAL_CHANNEL,
  call,
  ENROLLMENT_KEY,
  startApp,
  type TestApp,
} from '../harness/app.js';
import { FakeSlack, type SlackCall } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { slash } from '../slack/commands/command-helpers.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  expect(fake.invalid).toEqual([]);
  await app?.close();
  fake.reset();
});

async function createSolution(name: string): Promise<{ id: string; token: string }> {
  const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
    token: ADMIN_TOKEN,
    body: { name, vendor: 'Vendor', family: 'edr' },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string };
}

async function report(id: string, token: string, status: 'healthy' | 'unhealthy', message?: string) {
  const res = await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', {
    token,
    body: { status, message },
  });
  expect(res.status).toBe(202);
}

async function detail(id: string) {
  return (await call(`${app.url}/api/v1/solutions/${id}`, 'GET', { token: ADMIN_TOKEN })).body as {
    state: string;
    flips: { id: string; to: string; delivery: string }[];
  };
}

/** Healthy first (a quiet flip), so that the next bad state opens an incident. */
async function healthy(id: string, token: string, message?: string) {
  await report(id, token, 'healthy', message);
  await waitUntil(async () => (await detail(id)).flips[0]?.to === 'healthy');
}

const alertOf = (id: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' &&
  c.args.channel === ALERT_CHANNEL &&
  c.args.thread_ts === undefined &&
  (c.args.metadata as { event_payload?: { solution_id?: string } }).event_payload?.solution_id === id;

const updatesOf = (ts: string) => (c: SlackCall) => c.method === 'chat.update' && c.args.ts === ts;

async function postedAlert(id: string): Promise<{ call: SlackCall; ts: string }> {
  const [alert] = (await fake.waitFor(alertOf(id), { timeoutMs: 8000 })) as [SlackCall];
  return { call: alert, ts: (alert.response as { ts: string }).ts };
}

/** The incident message as the channel shows it now. */
function shown(ts: string): string {
  const m = fake.messages(ALERT_CHANNEL).find((x) => x.ts === ts);
  return JSON.stringify({ text: m?.text, blocks: m?.blocks });
}

describe('when a new incident opens after an earlier snooze expired', () => {
  it('does not show the expired snooze', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
    const s = await createSolution('Expired snooze EDR');
    await healthy(s.id, s.token);
    await new SolutionRepository(app.ctx).snooze(s.id, Date.now() - 60_000, 'U0EARLIER');

    await report(s.id, s.token, 'unhealthy', 'agent crashed');
    const { call: alert } = await postedAlert(s.id);
    expect(JSON.stringify(alert.args.blocks)).toContain('agent crashed');
    expect(JSON.stringify(alert.args.blocks)).not.toContain('Snoozed');
  });
});

describe('when someone snoozes and unsnoozes a solution with /secsol while its incident is open', () => {
  it('edits the alert each time, and after unsnooze it shows the state the incident is in now', async () => {
    // every 4 s + grace 2 s: without reports, Unhealthy becomes Stopped reporting after 6 s, time enough to
    // see the alert and snooze it first on a loaded machine.
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '4s', SECSOL_GRACE: '2s' } });
    const s = await createSolution('Command-held WAF');
    await healthy(s.id, s.token);
    await report(s.id, s.token, 'unhealthy', 'rule sync failing');
    const { ts } = await postedAlert(s.id);
    expect(shown(ts)).toContain('Unhealthy');

    await slash(app, `snooze ${s.id} 1h`);
    await fake.waitFor((c) => updatesOf(ts)(c) && JSON.stringify(c.args.blocks).includes('Snoozed until'));

    // Held while snoozed: the escalation posts nothing in the thread.
    await waitUntil(async () => (await detail(s.id)).flips[0]?.delivery === 'held', { timeoutMs: 12_000 });
    expect((await detail(s.id)).flips[0]?.to).toBe('stopped_reporting');

    await slash(app, `unsnooze ${s.id}`);
    await waitUntil(() => !shown(ts).includes('Snoozed until') && shown(ts).includes('Stopped reporting'), {
      timeoutMs: 5000,
    });
    // The last report explained Unhealthy, not the silence: it is no longer quoted.
    expect(shown(ts)).not.toContain('rule sync failing');
  });
});

describe('when an incident escalates to Stopped reporting and then recovers', () => {
  it('says the same thing in the edited alert and in its thread reply', async () => {
    app = await startApp(fake);
    const s = await createSolution('Escalating sensor');
    await healthy(s.id, s.token);
    await report(s.id, s.token, 'unhealthy');
    const { ts } = await postedAlert(s.id);
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.thread_ts === ts &&
        /Stopped reporting/.test(String(c.args.text)),
      { timeoutMs: 8000 },
    );

    await report(s.id, s.token, 'healthy');
    const [reply] = await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.args.thread_ts === ts && /recovered/.test(String(c.args.text)),
      { timeoutMs: 5000 },
    );
    const edit = await waitUntil(() =>
      fake.calls.filter(updatesOf(ts)).find((c) => /Recovered/.test(String(c.args.text))),
    );
    expect(String(reply?.args.text)).toMatch(/after \S+ stopped reporting/);
    expect(JSON.stringify(edit.args.blocks)).toMatch(/after \S+ stopped reporting/);
    expect(JSON.stringify(edit.args.blocks)).not.toMatch(/after \S+ unhealthy/);
  });
});

describe('when a solution stops reporting after a healthy report with a message', () => {
  it('does not quote that healthy message as if it explained the silence', async () => {
    app = await startApp(fake);
    const s = await createSolution('Silent scanner');
    await healthy(s.id, s.token, 'all signatures current');
    const { call: alert } = await postedAlert(s.id);
    expect(String(alert.args.text)).toContain('Stopped reporting');
    expect(JSON.stringify(alert.args.blocks)).not.toContain('all signatures current');
  });
});

describe('when the approval decision is shown and Slack fails the edit once', () => {
  it('retries the edit like any other delivery until the request message shows the decision', async () => {
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
    const enrolled = await call(`${app.url}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'Retried decision VA', vendor: 'Qualys', family: 'va' },
    });
    expect(enrolled.status).toBe(202);
    const [request] = (await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === APPROVAL_CHANNEL,
    )) as [SlackCall];
    const ts = (request.response as { ts: string }).ts;
    // Wait until the request message is on record (the edit needs its ts).
    await waitUntil(
      async () =>
        (await app.ctx.redis.hget(app.ctx.keys.enrollment(enrolled.body.enrollmentId), 'requestTs')) === ts,
    );

    fake.script('chat.update', { status: 503 });
    const approved = await call(`${app.url}/api/v1/enroll/${enrolled.body.enrollmentId}/approve`, 'POST', {
      token: ADMIN_TOKEN,
    });
    expect(approved.status).toBe(200);
    await fake.waitFor((c) => updatesOf(ts)(c) && c.status === 200, { timeoutMs: 8000 });
    const m = fake.messages(APPROVAL_CHANNEL).find((x) => x.ts === ts);
    expect(JSON.stringify(m?.blocks)).toContain('Approved by');
    expect(fake.calls.filter(updatesOf(ts))).toHaveLength(2);
  });
});
