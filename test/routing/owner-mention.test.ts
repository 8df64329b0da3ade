/**
 * Owners (docs/contract.md §10.2): set through the admin API and enrollment as a Slack id, mentioned in
 * the solution's alert from that id; anything else is refused with the field's path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentionOwner } from '../../src/slack/mrkdwn.js';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, ENROLLMENT_KEY, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  call(`${app.url}${path}`, method, { token: ADMIN_TOKEN, body });

describe('mentionOwner', () => {
  it('mentions users and user groups from their ids only', () => {
    expect(mentionOwner('U0ALICE')).toBe('<@U0ALICE>');
    expect(mentionOwner('W0ALICE')).toBe('<@W0ALICE>');
    expect(mentionOwner('S0SECOPS')).toBe('<!subteam^S0SECOPS>');
    expect(mentionOwner('slack:U0ALICE')).toBe('<@U0ALICE>');
    for (const text of ['secops', '<!channel>', '@here', 'S0X>|<!everyone', '', undefined]) {
      expect(mentionOwner(text)).toBeNull();
    }
  });
});

describe('an owned solution', () => {
  it('is mentioned in its alert as a real user-group mention', async () => {
    const created = await admin('POST', '/api/v1/solutions', {
      name: 'Owned Scanner',
      vendor: 'Qualys',
      owner: 'S0SECOPS',
    });
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };
    const res = await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', {
      token,
      body: { status: 'unhealthy', message: '<!channel> disk full' },
    });
    expect(res.status).toBe(202);
    const [alert] = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.args.channel === ALERT_CHANNEL && !c.args.thread_ts,
    );
    const blocks = JSON.stringify(alert?.args.blocks);
    expect(blocks).toContain('Owner: <!subteam^S0SECOPS>');
    expect(String(alert?.args.text)).toContain('(owner <!subteam^S0SECOPS>)');
    expect(blocks).not.toContain('<!channel>');
  });

  it('refuses an owner that is not a Slack id, in the admin API and in enrollment', async () => {
    const bad = await admin('POST', '/api/v1/solutions', { name: 'X', vendor: 'Y', owner: '<!channel>' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ path: 'owner' })]);
    const enrolled = await call(`${app.url}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'Self Enrolled', vendor: 'Z', owner: 'alice' },
    });
    expect(enrolled.status).toBe(400);
    const ok = await call(`${app.url}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'Self Enrolled', vendor: 'Z', owner: 'U0ALICE' },
    });
    expect(ok.status).toBe(202);
    const list = await admin('GET', '/api/v1/solutions');
    const mine = list.body.solutions.find((s: { name: string }) => s.name === 'Self Enrolled');
    expect(mine).toMatchObject({ owner: 'U0ALICE', lifecycle: 'discovered' });
  });
});
