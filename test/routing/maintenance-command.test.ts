/**
 * `/secsol maintenance …` through the signed slash-command endpoint (docs/contract.md §10.1): approvers
 * only, announced, audited; start, list and end; a solution still bad at the end gets one alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMaintenance } from '../../src/slack/listeners/commands/parse-maintenance.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack, type SlackCall } from '../harness/fake-slack.js';
import { sendEvent } from '../harness/slack-requests.js';
import { waitUntil } from '../harness/wait.js';
import { expectValidMessage, slash } from '../slack/commands/command-helpers.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m', SECSOL_APPROVERS: 'U0BOSS' } });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

describe('parseMaintenance', () => {
  it('reads list, end, and a solution name with spaces, a duration and a reason', () => {
    expect(parseMaintenance('list')).toEqual({ kind: 'maintenance', action: 'list' });
    expect(parseMaintenance('end mnt-0123456789')).toEqual({
      kind: 'maintenance',
      action: 'end',
      id: 'mnt-0123456789',
    });
    expect(parseMaintenance('Qualys VA 2h scanner upgrade')).toEqual({
      kind: 'maintenance',
      action: 'start',
      ref: 'Qualys VA',
      ms: 7_200_000,
      text: '2h',
      reason: 'scanner upgrade',
    });
    expect(parseMaintenance('ALL 30m')).toMatchObject({ ref: 'all', ms: 1_800_000, reason: '' });
    expect(parseMaintenance('qualys')).toMatchObject({ kind: 'invalid' });
    expect(parseMaintenance('qualys 10s')).toMatchObject({ kind: 'invalid' });
    expect(parseMaintenance('qualys 31d')).toMatchObject({ kind: 'invalid' });
  });
});

const alertsFor = (id: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' &&
  (c.args.metadata as { event_payload?: { solution_id?: string } } | undefined)?.event_payload
    ?.solution_id === id &&
  c.args.thread_ts === undefined;

describe('/secsol maintenance', () => {
  it('is refused to someone who is not an approver, and audited', async () => {
    const res = await slash(app, 'maintenance all 1h', { user_id: 'U0NOBODY' });
    expect(expectValidMessage(res.body)).toContain('Only secsol approvers');
    const audit = await call(`${app.url}/api/v1/audit?actor=slack:U0NOBODY`, 'GET', { token: ADMIN_TOKEN });
    expect(audit.body.entries[0]).toMatchObject({ action: 'maintenance.start' });
  });

  it('starts a window for a solution, lists it, ends it, and releases the held alert once', async () => {
    const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Nessus Prod', vendor: 'Tenable' },
    });
    const { id, token } = created.body as { id: string; token: string };

    const started = await slash(app, 'maintenance Nessus Prod 2h scanner upgrade', { user_id: 'U0BOSS' });
    const text = expectValidMessage(started.body);
    const windowId = /mnt-[0-9a-f]{10}/.exec(text)?.[0] as string;
    expect(windowId).toBeDefined();
    await fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.args.channel === ALERT_CHANNEL &&
        String(c.args.text).includes(windowId),
    );

    // Overlays: the view and App Home show the window.
    const view = await slash(app, `view ${id}`, { user_id: 'U0ANYONE' });
    expect(expectValidMessage(view.body)).toContain('In maintenance until');
    expect(view.body.blocks.map((b: { text?: { text: string } }) => b.text?.text ?? '').join('\n')).toContain(
      'by <@U0BOSS>, reason: scanner upgrade',
    );
    await sendEvent(app, { type: 'app_home_opened', user: 'U0ANYONE', channel: 'D0HOME', tab: 'home' });
    const [home] = await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0ANYONE');
    expect(JSON.stringify(home?.args.view)).toContain(windowId);

    const listed = await slash(app, 'maintenance list', { user_id: 'U0ANYONE' });
    expect(expectValidMessage(listed.body)).toContain(windowId);
    expect(listed.body.text).toContain('scanner upgrade');

    await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', { token, body: { status: 'unhealthy' } });
    // Its flip is recorded and its alert held by the window.
    const flips = new FlipRepository(app.ctx);
    await waitUntil(
      async () => (await flips.recent(id, 5)).find((f) => f.to === 'unhealthy')?.delivery === 'held',
    );
    expect(fake.calls.filter(alertsFor(id))).toHaveLength(0);

    const ended = await slash(app, `maintenance end ${windowId}`, { user_id: 'U0BOSS' });
    expect(expectValidMessage(ended.body)).toContain('ended');
    const [release] = await fake.waitFor(alertsFor(id));
    expect(JSON.stringify(release?.args.blocks)).toContain('after maintenance');
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.maintenanceEnds)) === 0);
    expect(fake.calls.filter(alertsFor(id))).toHaveLength(1);
    const audit = await call(`${app.url}/api/v1/audit?actor=slack:U0BOSS`, 'GET', { token: ADMIN_TOKEN });
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'maintenance.end',
      'maintenance.start',
    ]);
  });
});
