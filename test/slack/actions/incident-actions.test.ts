/**
 * Acknowledge and Snooze on a real incident message: a solution reports unhealthy, the worker posts the
 * alert, and the clicks come back through /slack/events. The message is edited in place each time.
 */
import { describe, expect } from 'vitest';
import { ACTION } from '../../../src/slack/action-values.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';
import { ALERT_CHANNEL } from '../../harness/app.js';
import { type Alert, buttonValue, type Secsol } from '../../harness/drivers.js';
import { secsolTest } from '../../harness/fixtures.js';
import { toldTo, updatesOf } from '../../harness/slack-expectations.js';
import { waitUntil } from '../../harness/wait.js';

// A long cadence: the only flips in these tests are the ones the tests cause.
const it = secsolTest({ env: { SECSOL_EXPECTED_EVERY: '10m' }, slackAcceptsAll: true }).extend(
  'solutions',
  { scope: 'file' },
  ({ app }) => new SolutionRepository(app.ctx),
);

/** A solution reports unhealthy: its alert, once the incident is recorded as open. */
async function openIncident(secsol: Secsol, solutions: SolutionRepository, name: string): Promise<Alert> {
  const s = await secsol.createSolution(name, { vendor: 'Palo Alto' });
  expect((await secsol.report(s, 'unhealthy', 'disk full')).status).toBe(202);
  const alert = await secsol.alertFor(s.id);
  await waitUntil(async () => (await solutions.get(s.id))?.incidentFlip);
  return alert;
}

describe('when someone acknowledges an incident', () => {
  it('records who, audits it and edits the message to show it, without the Acknowledge button', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const incident = await openIncident(secsol, solutions, 'Palo Alto <!channel> NGFW');
    expect((await secsol.clickAcknowledge(incident, 'U0ONCALL')).status).toBe(200);

    const [update] = await fake.waitFor(updatesOf(incident.ts));
    const blocks = JSON.stringify(update?.args.blocks);
    expect(blocks).toContain('Acknowledged by <@U0ONCALL>');
    expect(blocks).not.toContain(ACTION.ack);
    expect(blocks).not.toContain('<!channel>');
    expect(String(update?.args.text)).toContain('&lt;!channel&gt;');
    expect(fake.messages(ALERT_CHANNEL).find((m) => m.ts === incident.ts)?.edited).toBeDefined();

    expect((await solutions.get(incident.solutionId))?.acknowledgedBy).toBe('U0ONCALL');
    const audit = await new AuditRepository(app.ctx).recent(incident.solutionId);
    expect(audit).toContainEqual(
      expect.objectContaining({
        actor: 'slack:U0ONCALL',
        action: 'incident.acknowledge',
        outcome: 'applied',
      }),
    );

    // A second acknowledgement (an old copy of the message) is told who was first.
    await secsol.clickAcknowledge(incident, 'U0LATE');
    await fake.waitFor(toldTo('U0LATE', 'Already acknowledged by <@U0ONCALL>'));
    expect(fake.calls.filter(updatesOf(incident.ts))).toHaveLength(1);
  });
});

describe('when someone snoozes an incident', () => {
  it('holds alerts for the chosen time and shows the snooze in the message', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const incident = await openIncident(secsol, solutions, 'Snoozed WAF');
    const before = Date.now();
    await secsol.snooze(incident, 'U0ONCALL', '4h');
    const [update] = await fake.waitFor(updatesOf(incident.ts));
    expect(JSON.stringify(update?.args.blocks)).toContain('Snoozed until');
    const record = await solutions.get(incident.solutionId);
    expect(record?.snoozedUntil).toBeGreaterThanOrEqual(before + 4 * 3_600_000);
    expect(record?.snoozedUntil).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000);
    expect(record?.snoozedBy).toBe('U0ONCALL');

    await secsol.snooze(incident, 'U0ONCALL', 'recovered');
    await fake.waitFor(updatesOf(incident.ts), { count: 2 });
    const last = fake.calls.filter(updatesOf(incident.ts)).at(-1);
    expect(JSON.stringify(last?.args.blocks)).toContain('Snoozed until it recovers');
    expect((await solutions.get(incident.solutionId))?.snoozedUntil).toBe(Number.POSITIVE_INFINITY);
    const audit = await new AuditRepository(app.ctx).recent(incident.solutionId);
    expect(audit.filter((a) => a.action === 'incident.snooze')).toHaveLength(2);
  });
});

describe('when a click on an incident message is stale or forged', () => {
  it('refuses a click from before a configuration change and shows the current state in place', async ({
    fake,
    secsol,
    solutions,
  }) => {
    const incident = await openIncident(secsol, solutions, 'Stale EDR');
    expect(
      await solutions.updateConfig(incident.solutionId, { name: 'Stale EDR renamed' }, 1, Date.now()),
    ).toBe('ok');
    await secsol.clickAcknowledge(incident, 'U0ONCALL');
    await fake.waitFor(toldTo('U0ONCALL', 'changed since this message was posted'));
    const [update] = await fake.waitFor(updatesOf(incident.ts));
    expect(JSON.stringify(update?.args.blocks)).toContain('Stale EDR renamed');
    expect(JSON.stringify(update?.args.blocks)).toContain('\\"v\\":2');
    expect((await solutions.get(incident.solutionId))?.acknowledgedBy).toBeUndefined();
  });

  it('refuses a click on a message that is not the open incident, a forged flip and a deleted solution', async ({
    fake,
    secsol,
    solutions,
  }) => {
    const incident = await openIncident(secsol, solutions, 'Forged clicks VA');
    await secsol.clickAcknowledge(incident, 'U0ONCALL', { messageTs: '1600000000.000001' });
    await fake.waitFor(toldTo('U0ONCALL', 'This incident is over'));

    const forged = { ...JSON.parse(buttonValue(incident, ACTION.ack)), f: 'flip-someone-else-1' };
    await secsol.clickAcknowledge(incident, 'U0ONCALL', { value: JSON.stringify(forged) });
    await fake.waitFor(toldTo('U0ONCALL', 'This button is not valid'));
    expect((await solutions.get(incident.solutionId))?.acknowledgedBy).toBeUndefined();

    await solutions.delete(incident.solutionId);
    await secsol.snooze(incident, 'U0ONCALL', '1h');
    await fake.waitFor(toldTo('U0ONCALL', 'was deleted'));
    expect(fake.calls.filter(updatesOf(incident.ts))).toHaveLength(0);
  });
});
