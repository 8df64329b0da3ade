/**
 * End to end through HTTP, the real Redis and a fake Slack: enroll -> approve -> healthy reports ->
 * reports stop -> exactly one "Stopped reporting" alert -> reports resume -> the alert is updated and
 * the recovery is in its thread. The same for unhealthy reports. Everything goes through secsol's own
 * endpoints and the fake Slack, by the verbs of test/harness/drivers.ts; nothing here touches storage.
 */
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import type { Secsol } from '../harness/drivers.js';
import { secsolTest } from '../harness/fixtures.js';
import { topLevelPosts } from '../harness/slack-expectations.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest();
const alerts = topLevelPosts(ALERT_CHANNEL);

/** A solution enrolls itself, an operator approves it, and it collects its token, exactly once. */
async function enrollAndApprove(secsol: Secsol, name: string): Promise<{ id: string; token: string }> {
  const enrollmentId = await secsol.enroll(name, {
    vendor: 'Qualys',
    family: 'va',
    consoleUrl: 'https://qualys.example/console',
  });

  // The approval request reaches the approval channel with Approve and Deny.
  const request = await secsol.approvalRequest(enrollmentId);
  expect(JSON.stringify(request.call.args.blocks)).toContain('enrollment_approve');

  expect((await secsol.pollEnrollment(enrollmentId)).body).toEqual({ status: 'pending' });
  expect((await secsol.approveEnrollment(enrollmentId)).status).toBe(200);
  expect((await secsol.approveEnrollment(enrollmentId)).status).toBe(409);

  // The decision is shown in the request message.
  await secsol.waitForUpdate(request);

  const first = await secsol.pollEnrollment(enrollmentId);
  expect(first.body.status).toBe('approved');
  expect(first.body.token).toMatch(/^secsol_/);
  const second = await secsol.pollEnrollment(enrollmentId);
  expect(second.body.token).toBeUndefined();
  return { id: first.body.solutionId as string, token: first.body.token as string };
}

describe('when a connected solution stops reporting and comes back', () => {
  it('posts exactly one stopped-reporting alert, then resolves it in place with a thread reply', async ({
    startSecsol,
    fake,
  }) => {
    const secsol = await startSecsol();
    const solution = await enrollAndApprove(secsol, 'Qualys VA <!channel>');
    const { id } = solution;
    expect(await secsol.stateOf(id)).toBe('not_reported');

    for (let i = 0; i < 3; i++) expect((await secsol.report(solution, 'healthy')).status).toBe(202);
    await waitUntil(async () => (await secsol.stateOf(id)) === 'healthy');
    const lastReportAt = Date.now();
    // Not reported -> healthy is the end of a deployment: no message.
    expect(fake.calls.filter(alerts)).toHaveLength(0);

    // every (2s) + grace (1s) later the solution is stale; the alert follows within 2 s.
    const alert = await secsol.stopReporting(solution, { timeoutMs: 3000 + 2000 + 1000 });
    const elapsed = alert.call.at - lastReportAt;
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    expect(elapsed).toBeLessThanOrEqual(3000 + 2000);
    expect(String(alert.call.args.text)).toContain('Stopped reporting');
    // The untrusted name is escaped everywhere (no ping).
    expect(JSON.stringify(alert.call.args)).not.toContain('<!channel>');
    expect(String(alert.call.args.text)).toContain('&lt;!channel&gt;');
    const metadata = alert.call.args.metadata as { event_payload: { delivery_id: string } };
    expect(metadata.event_payload.delivery_id).toMatch(new RegExp(`^flip-${id}-\\d+$`));
    expect(alert.call.args.link_names).toBeUndefined();
    expect(await secsol.stateOf(id)).toBe('stopped_reporting');

    // Reporting resumes: the incident message is edited and the recovery goes into its thread.
    expect((await secsol.report(solution, 'healthy')).status).toBe(202);
    const [update] = await secsol.waitForUpdate(alert, undefined, { timeoutMs: 5000 });
    expect(String(update?.args.text)).toContain('Recovered');
    const [reply] = await secsol.waitForReply(alert);
    expect(String(reply?.args.text)).toContain('recovered');

    // Still exactly one incident message, and the flips are on record.
    expect(fake.calls.filter(alerts)).toHaveLength(1);
    const detail = await secsol.solution(id);
    const tos = (detail.flips as { to: string; delivery: string }[]).map((f) => `${f.to}:${f.delivery}`);
    expect(tos).toEqual(['healthy:sent', 'stopped_reporting:sent', 'healthy:quiet']);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when a connected solution reports unhealthy and recovers', () => {
  it('posts one unhealthy alert with the report message, then resolves it', async ({ startSecsol, fake }) => {
    const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m' } });
    const solution = await enrollAndApprove(secsol, 'Palo Alto NGFW');
    await secsol.report(solution, 'healthy');
    await waitUntil(async () => (await secsol.stateOf(solution.id)) === 'healthy');

    await secsol.report(solution, 'unhealthy', 'signature updates failing <@U999>');
    const alert = await secsol.alertFor(solution.id, { timeoutMs: 3000 });
    expect(String(alert.call.args.text)).toContain('Unhealthy');
    const blocks = JSON.stringify(alert.call.args.blocks);
    expect(blocks).toContain('signature updates failing &lt;@U999&gt;');
    expect(blocks).not.toContain('<@U999>');

    // More unhealthy reports do not post again: one message per incident.
    await secsol.report(solution, 'unhealthy', 'still failing');
    await secsol.report(solution, 'healthy');
    await secsol.waitForUpdate(alert, undefined, { timeoutMs: 3000 });
    await secsol.waitForReply(alert);
    expect(fake.calls.filter(alerts)).toHaveLength(1);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when a solution flaps (stops, recovers, stops again soon after)', () => {
  it('reopens the same incident message instead of posting a new one', async ({ startSecsol, fake }) => {
    const secsol = await startSecsol({ env: { SECSOL_FLAP_WINDOW: '10m' } });
    const solution = await secsol.createSolution('Flappy sensor');
    await secsol.report(solution, 'healthy');
    const alert = await secsol.stopReporting(solution, { timeoutMs: 8000 });
    await secsol.report(solution, 'healthy');
    await secsol.waitForReply(alert, undefined, { timeoutMs: 5000 });

    // It goes silent again within the flap window: the first message comes back, with a reply saying so.
    const [reopened] = await secsol.waitForReply(alert, /Reopened/, { timeoutMs: 8000 });
    expect(String(reopened?.args.text)).toContain('flapping');
    const updates = fake.calls.filter((c) => c.method === 'chat.update' && c.args.ts === alert.ts);
    expect(String(updates.at(-1)?.args.text)).toContain('Stopped reporting');
    // And it recovers once more, in the same message.
    await secsol.report(solution, 'healthy');
    await secsol.waitForUpdate(alert, /Recovered/, { count: 2, timeoutMs: 5000 });
    expect(fake.calls.filter(alerts)).toHaveLength(1);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when an incident stays open and nobody acknowledges it', () => {
  it('reminds the channel in its thread until it recovers', async ({ startSecsol, fake }) => {
    const secsol = await startSecsol({
      env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_REMIND_EVERY: '1500ms' },
    });
    const solution = await secsol.createSolution('Nagging WAF', { family: 'waf' });
    const alert = await secsol.openIncident(solution, 'rule sync failing', { timeoutMs: 5000 });
    const reminders = await secsol.waitForReply(alert, /Reminder/, { count: 2, timeoutMs: 8000 });
    expect(String(reminders[0]?.args.text)).toContain('still *Unhealthy*');
    expect((reminders[1]?.at ?? 0) - (reminders[0]?.at ?? 0)).toBeGreaterThanOrEqual(1400);

    await secsol.report(solution, 'healthy');
    await secsol.waitForUpdate(alert, /Recovered/);
    // The reminder is cancelled with the incident.
    await waitUntil(async () => (await secsol.pendingReminders()) === 0);
    expect(fake.invalid).toEqual([]);
  });
});

describe('when someone acknowledges an open incident', () => {
  it('stops reminding', async ({ startSecsol, fake }) => {
    const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m', SECSOL_REMIND_EVERY: '5s' } });
    const solution = await secsol.createSolution('Acked EDR', { family: 'edr' });
    const alert = await secsol.openIncident(solution, undefined, { timeoutMs: 5000 });
    await secsol.clickAcknowledge(alert, 'U0ONCALL');
    // The reminder is dropped when it comes due (5 s: time enough for the click on a loaded machine).
    await waitUntil(async () => (await secsol.pendingReminders()) === 0, { timeoutMs: 12_000 });
    expect(
      fake.calls.filter((c) => c.args.thread_ts === alert.ts && /Reminder/.test(String(c.args.text))),
    ).toEqual([]);
  });
});
