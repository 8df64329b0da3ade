/**
 * Acknowledge and Snooze on a real incident message: a solution reports unhealthy, the worker posts the
 * alert, and the clicks come back through /slack/events. The message is edited in place each time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/action-values.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, startApp, type TestApp } from '../../harness/app.js';
import { FakeSlack, type SlackCall } from '../../harness/fake-slack.js';
import { click } from '../../harness/slack-requests.js';
import { waitUntil } from '../../harness/wait.js';

let fake: FakeSlack;
let app: TestApp;
let solutions: SolutionRepository;

beforeAll(async () => {
  fake = await FakeSlack.start();
  // A long cadence: the only flips in these tests are the ones the tests cause.
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
  solutions = new SolutionRepository(app.ctx);
});
afterAll(async () => {
  await app?.close();
  await fake.close();
});
afterEach(() => {
  expect(fake.invalid).toEqual([]);
});

interface Incident {
  id: string;
  ts: string;
  ackValue: string;
}

type Element = { action_id: string; value?: string; options?: { value: string }[] };

async function openIncident(name: string): Promise<Incident> {
  const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
    token: ADMIN_TOKEN,
    body: { name, vendor: 'Palo Alto' },
  });
  expect(created.status).toBe(201);
  const { id, token } = created.body as { id: string; token: string };
  const report = await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', {
    token,
    body: { status: 'unhealthy', message: 'disk full' },
  });
  expect(report.status).toBe(202);
  const [alert] = (await fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === ALERT_CHANNEL &&
      c.args.thread_ts === undefined &&
      (c.args.metadata as { event_payload?: { solution_id?: string } }).event_payload?.solution_id === id,
  )) as [SlackCall];
  const ts = (alert.response as { ts: string }).ts;
  await waitUntil(async () => (await solutions.get(id))?.incidentFlip);
  const elements = (alert.args.blocks as { type: string; elements?: Element[] }[]).find(
    (b) => b.type === 'actions',
  )?.elements as Element[];
  const ackValue = elements.find((e) => e.action_id === ACTION.ack)?.value as string;
  return { id, ts, ackValue };
}

const updatesOf = (ts: string) => (c: SlackCall) => c.method === 'chat.update' && c.args.ts === ts;
const toldTo = (user: string, text: string) => (c: SlackCall) =>
  c.method === 'chat.postEphemeral' && c.args.user === user && String(c.args.text).includes(text);

function ack(incident: Incident, user: string, value = incident.ackValue, messageTs = incident.ts) {
  return click(app, {
    actionId: ACTION.ack,
    value,
    user,
    channel: ALERT_CHANNEL,
    messageTs,
    blockId: 'incident_actions',
  });
}

function snooze(incident: Incident, user: string, d: string) {
  return click(app, {
    actionId: ACTION.snooze,
    selected: JSON.stringify({ s: incident.id, d }),
    user,
    channel: ALERT_CHANNEL,
    messageTs: incident.ts,
    blockId: 'incident_actions',
  });
}

describe('when someone acknowledges an incident', () => {
  it('records who, audits it and edits the message to show it, without the Acknowledge button', async () => {
    const incident = await openIncident('Palo Alto <!channel> NGFW');
    expect((await ack(incident, 'U0ONCALL')).status).toBe(200);

    const [update] = await fake.waitFor(updatesOf(incident.ts));
    const blocks = JSON.stringify(update?.args.blocks);
    expect(blocks).toContain('Acknowledged by <@U0ONCALL>');
    expect(blocks).not.toContain(ACTION.ack);
    expect(blocks).not.toContain('<!channel>');
    expect(String(update?.args.text)).toContain('&lt;!channel&gt;');
    expect(fake.messages(ALERT_CHANNEL).find((m) => m.ts === incident.ts)?.edited).toBeDefined();

    expect((await solutions.get(incident.id))?.acknowledgedBy).toBe('U0ONCALL');
    const audit = await new AuditRepository(app.ctx).recent(incident.id);
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor: 'slack:U0ONCALL',
        action: 'incident.acknowledge',
        outcome: 'applied',
      }),
    );

    // A second acknowledgement (an old copy of the message) is told who was first.
    await ack(incident, 'U0LATE');
    await fake.waitFor(toldTo('U0LATE', 'Already acknowledged by <@U0ONCALL>'));
    expect(fake.calls.filter(updatesOf(incident.ts))).toHaveLength(1);
  });
});

describe('when someone snoozes an incident', () => {
  it('holds alerts for the chosen time and shows the snooze in the message', async () => {
    const incident = await openIncident('Snoozed WAF');
    const before = Date.now();
    await snooze(incident, 'U0ONCALL', '4h');
    const [update] = await fake.waitFor(updatesOf(incident.ts));
    expect(JSON.stringify(update?.args.blocks)).toContain('Snoozed until');
    const record = await solutions.get(incident.id);
    expect(record?.snoozedUntil).toBeGreaterThanOrEqual(before + 4 * 3_600_000);
    expect(record?.snoozedUntil).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000);
    expect(record?.snoozedBy).toBe('U0ONCALL');

    await snooze(incident, 'U0ONCALL', 'recovered');
    await fake.waitFor(updatesOf(incident.ts), { count: 2 });
    const last = fake.calls.filter(updatesOf(incident.ts)).at(-1);
    expect(JSON.stringify(last?.args.blocks)).toContain('Snoozed until it recovers');
    expect((await solutions.get(incident.id))?.snoozedUntil).toBe(Number.POSITIVE_INFINITY);
    const audit = await new AuditRepository(app.ctx).recent(incident.id);
    expect(audit.filter((a) => a.action === 'incident.snooze')).toHaveLength(2);
  });
});

describe('when a click on an incident message is stale or forged', () => {
  it('refuses a click from before a configuration change and shows the current state in place', async () => {
    const incident = await openIncident('Stale EDR');
    expect(await solutions.updateConfig(incident.id, { name: 'Stale EDR renamed' }, 1, Date.now())).toBe(
      'ok',
    );
    await ack(incident, 'U0ONCALL');
    await fake.waitFor(toldTo('U0ONCALL', 'changed since this message was posted'));
    const [update] = await fake.waitFor(updatesOf(incident.ts));
    expect(JSON.stringify(update?.args.blocks)).toContain('Stale EDR renamed');
    expect(JSON.stringify(update?.args.blocks)).toContain('\\"v\\":2');
    expect((await solutions.get(incident.id))?.acknowledgedBy).toBeUndefined();
  });

  it('refuses a click on a message that is not the open incident, a forged flip and a deleted solution', async () => {
    const incident = await openIncident('Forged clicks VA');
    await ack(incident, 'U0ONCALL', incident.ackValue, '1600000000.000001');
    await fake.waitFor(toldTo('U0ONCALL', 'This incident is over'));

    const forged = { ...JSON.parse(incident.ackValue), f: 'flip-someone-else-1' };
    await ack(incident, 'U0ONCALL', JSON.stringify(forged));
    await fake.waitFor(toldTo('U0ONCALL', 'This button is not valid'));
    expect((await solutions.get(incident.id))?.acknowledgedBy).toBeUndefined();

    await solutions.delete(incident.id);
    await snooze(incident, 'U0ONCALL', '1h');
    await fake.waitFor(toldTo('U0ONCALL', 'was deleted'));
    expect(fake.calls.filter(updatesOf(incident.ts))).toHaveLength(0);
  });
});
