/** Add (a data source), clicked through /slack/events. */
import { describe, expect } from 'vitest';
import { ACTION } from '../../../src/slack/action-values.js';
import { ENROLLMENT_KEY } from '../../harness/app.js';
import type { SlackCall } from '../../harness/fake-slack.js';
import { secsolTest } from '../../harness/fixtures.js';

const it = secsolTest({
  worker: false,
  env: { SECSOL_PUBLIC_URL: 'https://secsol.example.com' },
  slackAcceptsAll: true,
});

const toldTo = (user: string, text: string) => (c: SlackCall) =>
  c.method === 'chat.postEphemeral' && c.args.user === user && JSON.stringify(c.args).includes(text);

describe('when someone clicks Add on a data source', () => {
  it('shows the steps with a ready-to-run enrollment command, never the key itself', async ({
    fake,
    secsol,
  }) => {
    await secsol.click({
      actionId: ACTION.addSource,
      value: JSON.stringify({ k: 'push-api' }),
      user: 'U0ADD',
    });
    const [answer] = await fake.waitFor(
      toldTo('U0ADD', 'curl -X POST https://secsol.example.com/api/v1/enroll'),
    );
    expect(JSON.stringify(answer?.args)).not.toContain(ENROLLMENT_KEY);
    expect(JSON.stringify(answer?.args)).toContain('$SECSOL_ENROLLMENT_KEY');
  });

  it('explains an unknown source', async ({ fake, secsol }) => {
    await secsol.click({ actionId: ACTION.addSource, value: JSON.stringify({ k: 'nope' }), user: 'U0ADD2' });
    await fake.waitFor(toldTo('U0ADD2', 'does not know this data source'));
  });
});
