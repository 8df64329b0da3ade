/** App Home shows continuous export: what waits, what went, what failed, and why it is retrying. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportRepository } from '../../src/export/export-repository.js';
import { call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack, type SlackCall, validateView } from '../harness/fake-slack.js';
import { sendEvent } from '../harness/slack-requests.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution } from '../worker/helpers.js';
import { Receiver, SECRET } from './receiver.js';

let fake: FakeSlack;
let receiver: Receiver;
let app: TestApp | undefined;

beforeAll(async () => {
  fake = await FakeSlack.start();
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver.close();
  await fake.close();
});
afterEach(async () => {
  expect(fake.invalid).toEqual([]);
  await app?.close();
  fake.reset();
});

async function home(a: TestApp, user: string): Promise<string> {
  const res = await sendEvent(a, { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' });
  expect(res.status).toBe(200);
  const [published] = await fake.waitFor(
    (c: SlackCall) => c.method === 'views.publish' && c.args.user_id === user,
  );
  expect(validateView(published?.args.view)).toEqual([]);
  return JSON.stringify(published?.args.view);
}

describe('when export is on and the receiver refuses one message and then stops answering', () => {
  it('shows the totals, the refused message with the delivery errors, and the retrying receiver', async () => {
    app = await startApp(fake, {
      env: {
        SECSOL_EXPORT_URL: receiver.url,
        SECSOL_EXPORT_SECRET: SECRET,
        SECSOL_EXPORT_BACKOFF: '10s',
        SECSOL_EXPECTED_EVERY: '1m',
      },
    });
    receiver.script = ({ body }) =>
      body.data.id === 'ok'
        ? { status: 200 }
        : body.data.id === 'refused'
          ? { status: 403 }
          : { status: 503 };
    const s = await createSolution(app, 'Home export');
    const events = ['ok', 'refused', 'stuck'].map((id) => ({ id, severity: 'low', title: id }));
    expect(
      (await call(`${app.url}/api/v1/solutions/${s.id}/events`, 'POST', { token: s.token, body: { events } }))
        .status,
    ).toBe(202);
    const repo = new ExportRepository(app.ctx);
    await waitUntil(async () => (await repo.summary()).retrying === 1);

    const json = await home(app, 'U0EXPORT');
    expect(json).toContain('*SIEM export*');
    expect(json).toContain('1 waiting · 1 delivered · 1 failed');
    expect(json).toContain('The receiver is not taking messages for 1 solution');
    expect(json).toContain('HTTP 503');
    expect(json).toContain('1 failed message is listed with the delivery errors and can be sent again.');
    expect(json).toContain('*Home export* to the SIEM export: `HTTP 403`');
  });
});

describe('when export is off', () => {
  it('shows no export section', async () => {
    app = await startApp(fake, { worker: false });
    expect(await home(app, 'U0NOEXPORT')).not.toContain('SIEM export');
  });
});
