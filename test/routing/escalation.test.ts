/**
 * Escalation (docs/contract.md §10.2) through the real endpoints, Redis and two workers: an incident nobody
 * acknowledges is escalated once, mentioning the escalation user group; an acknowledged one is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-values.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack, type SlackCall } from '../harness/fake-slack.js';
import { click } from '../harness/slack-requests.js';
import { waitUntil } from '../harness/wait.js';

const ESCALATION_CHANNEL = 'C0ONCALL';
let fake: FakeSlack;
let app: TestApp;
let second: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  const env = {
    SECSOL_EXPECTED_EVERY: '10m',
    // Long enough for an acknowledgement to land first on a loaded machine.
    SECSOL_ESCALATE_AFTER: '3s',
    SECSOL_ESCALATION_USERGROUP: 'S0ONCALL',
    SECSOL_ESCALATION_CHANNEL: ESCALATION_CHANNEL,
  };
  app = await startApp(fake, { env });
  // A second worker on the same Redis: both race on every due escalation.
  second = await startApp(fake, { env, prefix: app.prefix, web: false });
});
afterAll(async () => {
  await second?.close();
  await app?.close();
  await fake?.close();
});

type Element = { action_id: string; value?: string };

async function openIncident(name: string) {
  const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
    token: ADMIN_TOKEN,
    body: { name, vendor: 'Tenable', owner: 'U0OWNER' },
  });
  expect(created.status).toBe(201);
  const { id, token } = created.body as { id: string; token: string };
  await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', { token, body: { status: 'unhealthy' } });
  const [alert] = (await fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.channel === ALERT_CHANNEL &&
      c.args.thread_ts === undefined &&
      (c.args.metadata as { event_payload?: { solution_id?: string } }).event_payload?.solution_id === id,
  )) as [SlackCall];
  const solutions = new SolutionRepository(app.ctx);
  await waitUntil(async () => (await solutions.get(id))?.incidentFlip);
  const elements = (alert.args.blocks as { type: string; elements?: Element[] }[]).find(
    (b) => b.type === 'actions',
  )?.elements as Element[];
  const ackValue = elements.find((e) => e.action_id === ACTION.ack)?.value as string;
  return { id, ts: (alert.response as { ts: string }).ts, ackValue };
}

const escalations = (name: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' &&
  c.args.channel === ESCALATION_CHANNEL &&
  String(c.args.text).includes(name);

describe('an incident nobody acknowledges', () => {
  it('is escalated exactly once by two racing workers; an acknowledged one is not escalated', async () => {
    const acked = await openIncident('Acked Scanner');
    const res = await click(app, {
      actionId: ACTION.ack,
      value: acked.ackValue,
      user: 'U0RESPONDER',
      channel: ALERT_CHANNEL,
      messageTs: acked.ts,
      blockId: 'incident_actions',
    });
    expect(res.status).toBe(200);
    const solutions = new SolutionRepository(app.ctx);
    await waitUntil(async () => (await solutions.get(acked.id))?.acknowledgedBy);

    const ignored = await openIncident('Ignored Scanner');
    const [escalation] = await fake.waitFor(escalations('Ignored Scanner'), { timeoutMs: 15_000 });
    const text = JSON.stringify(escalation?.args.blocks);
    expect(text).toContain('<!subteam^S0ONCALL>');
    expect(text).toContain('owner <@U0OWNER>');
    expect(text).toContain(`https://slack.com/archives/${ALERT_CHANNEL}/p${ignored.ts.replace('.', '')}`);

    // Both entries were due before this one was sent; the schedule is empty once they are handled.
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.escalations)) === 0);
    const itemKey = app.ctx.keys.escalation(`esc-${(await solutions.get(ignored.id))?.incidentFlip}`);
    await waitUntil(async () => (await app.ctx.redis.hget(itemKey, 'delivery')) === 'sent');
    expect(fake.calls.filter(escalations('Ignored Scanner'))).toHaveLength(1);
    expect(fake.calls.filter(escalations('Acked Scanner'))).toHaveLength(0);
  });
});

describe('claimDue', () => {
  it('lets only the caller that saw the score claim a due entry, and moves it to the lease', async () => {
    const key = app.ctx.keys.escalations;
    await app.ctx.redis.zadd(key, 10, 'flip-claim-1');
    const claim = (expectedScore: number) =>
      app.ctx.scripts.claimDue({ schedule: key, member: 'flip-claim-1', expectedScore, leaseUntil: 70 });
    expect(await claim(10)).toBe('claimed');
    expect(await claim(10)).toBe('lost');
    expect(Number(await app.ctx.redis.zscore(key, 'flip-claim-1'))).toBe(70);
    expect(
      await app.ctx.scripts.claimDue({ schedule: key, member: 'gone', expectedScore: 10, leaseUntil: 70 }),
    ).toBe('lost');
    await app.ctx.redis.zrem(key, 'flip-claim-1');
  });
});
