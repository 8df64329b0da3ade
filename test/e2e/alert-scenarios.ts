/**
 * The end-to-end alert scenario and its steps, shared by test/e2e/alert-lifecycle.test.ts (the shared
 * Redis) and test/cluster/alert-lifecycle.cluster.ts (a Redis Cluster): the same test on both.
 */
import { expect } from 'vitest';
import {
  ADMIN_TOKEN,
  ALERT_CHANNEL,
  APPROVAL_CHANNEL,
  call,
  ENROLLMENT_KEY,
  type TestApp,
} from '../harness/app.js';
import type { FakeSlack, SlackCall } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';

export async function enrollAndApprove(
  app: TestApp,
  fake: FakeSlack,
  name: string,
): Promise<{ id: string; token: string }> {
  const enrolled = await call(`${app.url}/api/v1/enroll`, 'POST', {
    token: ENROLLMENT_KEY,
    body: { name, vendor: 'Qualys', family: 'va', consoleUrl: 'https://qualys.example/console' },
  });
  expect(enrolled.status).toBe(202);
  expect(enrolled.body).toMatchObject({ status: 'pending' });
  const enrollmentId = enrolled.body.enrollmentId as string;

  // The approval request reaches the approval channel with Approve and Deny.
  const [request] = await fake.waitFor(
    (c) => c.method === 'chat.postMessage' && c.args.channel === APPROVAL_CHANNEL,
  );
  expect(JSON.stringify(request?.args.blocks)).toContain('enrollment_approve');

  const pending = await call(`${app.url}/api/v1/enroll/${enrollmentId}`, 'GET', { token: ENROLLMENT_KEY });
  expect(pending.body).toEqual({ status: 'pending' });

  const approved = await call(`${app.url}/api/v1/enroll/${enrollmentId}/approve`, 'POST', {
    token: ADMIN_TOKEN,
  });
  expect(approved.status).toBe(200);
  const again = await call(`${app.url}/api/v1/enroll/${enrollmentId}/approve`, 'POST', {
    token: ADMIN_TOKEN,
  });
  expect(again.status).toBe(409);

  // The decision is shown in the request message.
  await fake.waitFor((c) => c.method === 'chat.update' && c.args.channel === APPROVAL_CHANNEL);

  const first = await call(`${app.url}/api/v1/enroll/${enrollmentId}`, 'GET', { token: ENROLLMENT_KEY });
  expect(first.body.status).toBe('approved');
  expect(first.body.token).toMatch(/^secsol_/);
  const second = await call(`${app.url}/api/v1/enroll/${enrollmentId}`, 'GET', { token: ENROLLMENT_KEY });
  expect(second.body.token).toBeUndefined();
  return { id: first.body.solutionId as string, token: first.body.token as string };
}

export function report(
  app: TestApp,
  id: string,
  token: string,
  status: 'healthy' | 'unhealthy',
  message?: string,
) {
  return call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', { token, body: { status, message } });
}

export const alertsIn = (channel: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' && c.args.channel === channel && c.args.thread_ts === undefined;

export async function stateOf(app: TestApp, id: string): Promise<string> {
  const res = await call(`${app.url}/api/v1/solutions/${id}`, 'GET', { token: ADMIN_TOKEN });
  return res.body.state as string;
}

/**
 * Enroll -> approve -> healthy reports -> reports stop -> exactly one "Stopped reporting" alert -> reports
 * resume -> the alert is updated and the recovery is in its thread. `app` runs web and worker with the
 * test profile (expected every 2 s, grace 1 s).
 */
export async function stopsReportingAndComesBack(app: TestApp, fake: FakeSlack): Promise<void> {
  const { id, token } = await enrollAndApprove(app, fake, 'Qualys VA <!channel>');
  expect(await stateOf(app, id)).toBe('not_reported');

  for (let i = 0; i < 3; i++) expect((await report(app, id, token, 'healthy')).status).toBe(202);
  await waitUntil(async () => (await stateOf(app, id)) === 'healthy');
  const lastReportAt = Date.now();
  // Not reported -> healthy is the end of a deployment: no message.
  expect(fake.calls.filter(alertsIn(ALERT_CHANNEL))).toHaveLength(0);

  // every (2s) + grace (1s) later the solution is stale; the alert follows within 2 s.
  const [alert] = await fake.waitFor(alertsIn(ALERT_CHANNEL), { timeoutMs: 3000 + 2000 + 1000 });
  const elapsed = (alert as SlackCall).at - lastReportAt;
  expect(elapsed).toBeGreaterThanOrEqual(3000);
  expect(elapsed).toBeLessThanOrEqual(3000 + 2000);
  expect(String(alert?.args.text)).toContain('Stopped reporting');
  // The untrusted name is escaped everywhere (no ping).
  expect(JSON.stringify(alert?.args)).not.toContain('<!channel>');
  expect(String(alert?.args.text)).toContain('&lt;!channel&gt;');
  const metadata = alert?.args.metadata as { event_payload: { delivery_id: string } };
  expect(metadata.event_payload.delivery_id).toMatch(new RegExp(`^flip-${id}-\\d+$`));
  expect(alert?.args.link_names).toBeUndefined();
  expect(await stateOf(app, id)).toBe('stopped_reporting');

  // Reporting resumes: the incident message is edited and the recovery goes into its thread.
  expect((await report(app, id, token, 'healthy')).status).toBe(202);
  const ts = (alert as SlackCall).response ? ((alert as SlackCall).response as { ts: string }).ts : undefined;
  const [update] = await fake.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts, {
    timeoutMs: 5000,
  });
  expect(String(update?.args.text)).toContain('Recovered');
  const [reply] = await fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.thread_ts === ts);
  expect(String(reply?.args.text)).toContain('recovered');

  // Still exactly one incident message, and the flips are on record.
  expect(fake.calls.filter(alertsIn(ALERT_CHANNEL))).toHaveLength(1);
  const detail = await call(`${app.url}/api/v1/solutions/${id}`, 'GET', { token: ADMIN_TOKEN });
  const tos = (detail.body.flips as { to: string; delivery: string }[]).map((f) => `${f.to}:${f.delivery}`);
  expect(tos).toEqual(['healthy:sent', 'stopped_reporting:sent', 'healthy:quiet']);
  expect(fake.invalid).toEqual([]);
}
