/** Add (a data source), clicked through /slack/events. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/slack/action-values.js';
import { ENROLLMENT_KEY, startApp, type TestApp } from '../../harness/app.js';
import { FakeSlack, type SlackCall } from '../../harness/fake-slack.js';
import { click } from '../../harness/slack-requests.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { worker: false, env: { SECSOL_PUBLIC_URL: 'https://secsol.example.com' } });
});
afterAll(async () => {
  await app?.close();
  await fake.close();
});
afterEach(() => {
  expect(fake.invalid).toEqual([]);
});

const toldTo = (user: string, text: string) => (c: SlackCall) =>
  c.method === 'chat.postEphemeral' && c.args.user === user && JSON.stringify(c.args).includes(text);

describe('when someone clicks Add on a data source', () => {
  it('shows the steps with a ready-to-run enrollment command, never the key itself', async () => {
    await click(app, { actionId: ACTION.addSource, value: JSON.stringify({ k: 'push-api' }), user: 'U0ADD' });
    const [answer] = await fake.waitFor(
      toldTo('U0ADD', 'curl -X POST https://secsol.example.com/api/v1/enroll'),
    );
    expect(JSON.stringify(answer?.args)).not.toContain(ENROLLMENT_KEY);
    expect(JSON.stringify(answer?.args)).toContain('$SECSOL_ENROLLMENT_KEY');
  });

  it('explains an unknown source', async () => {
    await click(app, { actionId: ACTION.addSource, value: JSON.stringify({ k: 'nope' }), user: 'U0ADD2' });
    await fake.waitFor(toldTo('U0ADD2', 'does not know this data source'));
  });
});
