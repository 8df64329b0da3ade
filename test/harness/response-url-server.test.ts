import { describe, expect } from 'vitest';
import { FAKE_IDS } from './fake-slack.js';
import { fakeSlackTest as it } from './fixtures.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('response URLs on the fake Slack', () => {
  it('records JSON posts, validates blocks and applies replace_original / in_channel', async ({ fake }) => {
    const posted = fake.injectMessage({
      channel: 'C0R',
      text: 'alert',
      blocks: [section('Alert')],
      user: FAKE_IDS.botUserId,
      bot_id: FAKE_IDS.botId,
    });
    const url = fake.newResponseUrl({ channel: 'C0R', messageTs: posted.ts, user: 'U1' });
    expect(url.startsWith(`${fake.origin}/response/`)).toBe(true);

    const post = (body: unknown) =>
      fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post({ text: 'only you see this' })).status).toBe(200);
    expect(fake.ephemerals('C0R')).toMatchObject([
      { user: 'U1', text: 'only you see this', via: 'response_url' },
    ]);

    const replaced = await post({ replace_original: true, text: 'acked', blocks: [section('Acked')] });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual({ ok: true });
    expect(fake.messages('C0R')).toMatchObject([
      { ts: posted.ts, text: 'acked', blocks: [section('Acked')] },
    ]);

    await post({ response_type: 'in_channel', text: 'for everyone' });
    expect(fake.messages('C0R').map((m) => m.text)).toEqual(['acked', 'for everyone']);

    const bad = await post({ text: 'x', blocks: [section('z'.repeat(3001))] });
    expect(bad.status).toBe(400);
    expect(fake.invalid).toMatchObject([{ method: 'response_url' }]);

    expect(fake.responsePosts(url).map((p) => p.status)).toEqual([200, 200, 200, 400]);
    expect(fake.responsePosts(url)[0]?.body).toEqual({ text: 'only you see this' });
    expect(fake.responsePosts()).toHaveLength(4);
  });

  it('allows at most 5 uses of one response URL', async ({ fake }) => {
    const url = fake.newResponseUrl();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"text":"x"}',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });
});
