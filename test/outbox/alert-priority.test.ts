/**
 * Issue 8, item 4: a flood of approval requests in the alert channel (the approval channel's default) must
 * not hold a security alert back. Each channel gets about one message a second, so 100 requests queued
 * first would delay an alert by about a minute and a half if it waited its turn; it goes first instead.
 */
import { expect } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { deliveryIdOf, topLevelPosts } from '../harness/slack-expectations.js';

const REQUESTS = 100;

const test = secsolTest({
  env: {
    // Approval requests go to the alert channel, as they do when no approval channel is configured.
    SECSOL_APPROVAL_CHANNEL: ALERT_CHANNEL,
    SECSOL_ENROLL_RATE: '1000',
    SECSOL_ENROLL_MAX_PENDING: '1000',
  },
});

const isApproval = (c: Parameters<ReturnType<typeof topLevelPosts>>[0]) =>
  topLevelPosts(ALERT_CHANNEL)(c) && JSON.stringify(c.args.blocks ?? '').includes('enr-');

test('a critical event is posted before approval requests queued ahead of it in the same channel', {
  timeout: 60_000,
}, async ({ secsol, fake }) => {
  const source = await secsol.createSolution('Edge Firewall');
  for (let i = 0; i < REQUESTS; i++) await secsol.enroll(`Scanner ${i}`);
  // The channel is busy with the requests (one a second) when the event arrives.
  await fake.waitFor(isApproval, { count: 2, timeoutMs: 10_000 });

  const sent = Date.now();
  const res = await secsol.postEvents(source, { events: [{ severity: 'critical', title: 'Ransomware' }] });
  expect(res.status).toBe(202);
  const [alert] = await fake.waitFor(
    (c) => topLevelPosts(ALERT_CHANNEL)(c) && (deliveryIdOf(c) ?? '').startsWith('evb-'),
    // Waiting its turn would take ~REQUESTS seconds; a few paced posts at most go before it.
    { timeoutMs: 8_000 },
  );
  const delayMs = Date.now() - sent;
  const approvalsBefore = fake.calls.indexOf(alert as (typeof fake.calls)[number]);
  const postedBefore = fake.calls.slice(0, approvalsBefore).filter(isApproval).length;
  console.info(`alert posted ${delayMs} ms after the event, behind ${postedBefore} of ${REQUESTS} requests`);
  expect(postedBefore).toBeLessThan(REQUESTS / 4);
});
