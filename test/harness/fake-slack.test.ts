import {
  ErrorCode,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { describe, expect } from 'vitest';
import { FakeSlack, validateMessageBlocks } from './fake-slack.js';
import { fakeSlackTest } from './fixtures.js';

/** A Web API client as secsol builds one, against this fake, with no retries of its own. */
function newClient(
  fake: FakeSlack,
  token = 'xoxb-test',
  extra: ConstructorParameters<typeof WebClient>[1] = {},
) {
  return new WebClient(token, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    ...extra,
  });
}

const it = fakeSlackTest.extend('client', { scope: 'file' }, ({ fake }) => newClient(fake));

/** Await a promise that must reject; returns the rejection. */
async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

const validBlocks = [
  { type: 'header', text: { type: 'plain_text', text: 'Defender for Cloud: 2 solutions unhealthy' } },
  {
    type: 'section',
    block_id: 'summary',
    text: { type: 'mrkdwn', text: '*Sentinel*: `Unhealthy` since 10:00 &lt;!channel&gt;' },
    fields: [
      { type: 'mrkdwn', text: '*Subscription*\nprod' },
      { type: 'plain_text', text: 'Status: degraded' },
    ],
  },
  {
    type: 'actions',
    block_id: 'alert_actions',
    elements: [
      {
        type: 'button',
        action_id: 'ack_alert',
        text: { type: 'plain_text', text: 'Ack' },
        value: 'a1',
        style: 'primary',
      },
      {
        type: 'button',
        action_id: 'open_portal',
        text: { type: 'plain_text', text: 'Open portal' },
        url: 'https://portal.azure.com/#blade/Microsoft_Azure_Security',
      },
    ],
  },
  {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Checked by secsol at <!date^1700000000^{time}|10:00>' }],
  },
];

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('FakeSlack: auth and transport', () => {
  it('answers auth.test with the bot identity', async ({ fake, client }) => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0TEST' });
    const [call] = fake.callsTo('auth.test');
    expect(call?.headers.authorization).toBe('Bearer xoxb-test');
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.status).toBe(200);
  });

  it('refuses a missing or wrong token with HTTP 200 and ok:false', async ({ fake }) => {
    const noToken = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(noToken.status).toBe(200);
    expect(await noToken.json()).toEqual({ ok: false, error: 'not_authed' });
    const err = await rejectionOf(newClient(fake, 'xoxp-user').auth.test());
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data.error).toBe('invalid_auth');
  });

  it('accepts the token as a form field, and JSON bodies', async ({ fake }) => {
    const form = await fetch(`${fake.apiUrl}auth.test`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'token=xoxb-in-body',
    });
    expect(await form.json()).toMatchObject({ ok: true });
    const json = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: 'Bearer xoxb-x' },
      body: JSON.stringify({ channel: 'C0JSON', text: 'hi', blocks: [section('hi')] }),
    });
    expect(await json.json()).toMatchObject({ ok: true, channel: 'C0JSON' });
    expect(fake.messages('C0JSON')[0]?.blocks).toEqual([section('hi')]);
  });

  it('only accepts botToken when one is given', async () => {
    const strict = await FakeSlack.start({ botToken: 'xoxb-right' });
    try {
      const mk = (t: string) =>
        new WebClient(t, {
          slackApiUrl: strict.apiUrl,
          retryConfig: { retries: 0 },
          logLevel: LogLevel.ERROR,
        });
      expect((await mk('xoxb-right').auth.test()).ok).toBe(true);
      const err = await rejectionOf(mk('xoxb-wrong').auth.test());
      expect((err as WebAPIPlatformError).data.error).toBe('invalid_auth');
    } finally {
      await strict.close();
    }
  });

  it('answers unknown methods with unknown_method', async ({ client }) => {
    const err = await rejectionOf(client.apiCall('nope.never'));
    expect((err as WebAPIPlatformError).data.error).toBe('unknown_method');
  });
});

describe('FakeSlack: messages', () => {
  it('stores chat.postMessage with metadata and returns it from conversations.history', async ({
    fake,
    client,
  }) => {
    const metadata = { event_type: 'secsol_alert', event_payload: { alert_id: 'a1', severity: 'high' } };
    const first = await client.chat.postMessage({
      channel: 'C0ALERTS',
      text: 'first',
      blocks: validBlocks,
      metadata,
    });
    const second = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'second' });
    await client.chat.postMessage({ channel: 'C0ALERTS', text: 'a reply', thread_ts: first.ts });
    expect(first).toMatchObject({
      ok: true,
      channel: 'C0ALERTS',
      message: { text: 'first', bot_id: 'B0BOT' },
    });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    const [call] = fake.callsTo('chat.postMessage');
    expect(call?.args.blocks).toEqual(validBlocks); // arrived as a JSON string, parsed by the fake
    expect(call?.args.metadata).toEqual(metadata);

    const stored = fake.messages('C0ALERTS');
    expect(stored.map((m) => m.text)).toEqual(['first', 'second', 'a reply']);
    expect(stored[0]).toMatchObject({ ts: first.ts, metadata, blocks: validBlocks, user: 'U0BOT' });
    expect(stored[2]?.thread_ts).toBe(first.ts);

    const withMeta = await client.conversations.history({ channel: 'C0ALERTS', include_all_metadata: true });
    expect(withMeta.messages?.map((m) => m.text)).toEqual(['second', 'first']); // newest first, no replies
    expect(withMeta.messages?.[1]?.metadata).toEqual(metadata);
    expect(withMeta.messages?.[1]).toMatchObject({ reply_count: 1, thread_ts: first.ts });

    const withoutMeta = await client.conversations.history({ channel: 'C0ALERTS' });
    expect(withoutMeta.messages?.[1]?.metadata).toBeUndefined();

    const page = await client.conversations.history({ channel: 'C0ALERTS', limit: 1, oldest: first.ts });
    expect(page.messages?.map((m) => m.text)).toEqual(['second']);

    const empty = await client.conversations.history({ channel: 'C0NEVER' });
    expect(empty).toMatchObject({ ok: true, messages: [], has_more: false });

    const replies = await client.conversations.replies({ channel: 'C0ALERTS', ts: first.ts ?? '' });
    expect(replies.messages?.map((m) => m.text)).toEqual(['first', 'a reply']);
  });

  it('paginates history with cursors', async ({ client }) => {
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: 'C0PAGE', text: `m${i}` });
    const p1 = await client.conversations.history({ channel: 'C0PAGE', limit: 2 });
    expect(p1.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(p1.has_more).toBe(true);
    const p2 = await client.conversations.history({
      channel: 'C0PAGE',
      limit: 10,
      cursor: p1.response_metadata?.next_cursor ?? '',
    });
    expect(p2.messages?.map((m) => m.text)).toEqual(['m2', 'm1', 'm0']);
    expect(p2.has_more).toBe(false);
  });

  it('chat.update replaces text and blocks and keeps metadata unless a new one is given', async ({
    fake,
    client,
  }) => {
    const metadata = { event_type: 'secsol_alert', event_payload: { alert_id: 'a1' } };
    const posted = await client.chat.postMessage({
      channel: 'C0UPD',
      text: 'open',
      blocks: validBlocks,
      metadata,
    });
    const ts = posted.ts ?? '';
    const updated = await client.chat.update({
      channel: 'C0UPD',
      ts,
      text: 'acked',
      blocks: [section('Acked by <@U1>')],
    });
    expect(updated).toMatchObject({ ok: true, channel: 'C0UPD', ts, text: 'acked' });
    expect(fake.messages('C0UPD')).toHaveLength(1);
    expect(fake.messages('C0UPD')[0]).toMatchObject({
      text: 'acked',
      blocks: [section('Acked by <@U1>')],
      metadata,
    });

    const newMeta = { event_type: 'secsol_alert', event_payload: { alert_id: 'a1', acked: true } };
    await client.chat.update({ channel: 'C0UPD', ts, text: 'acked again', metadata: newMeta });
    expect(fake.messages('C0UPD')[0]?.metadata).toEqual(newMeta);

    const err = await rejectionOf(client.chat.update({ channel: 'C0UPD', ts: '1.000001', text: 'x' }));
    expect((err as WebAPIPlatformError).data.error).toBe('message_not_found');
  });

  it('chat.postEphemeral returns message_ts and records the ephemeral', async ({ fake, client }) => {
    const res = await client.chat.postEphemeral({ channel: 'C0CMD', user: 'U1', text: 'only you' });
    expect(res.ok).toBe(true);
    expect(res.message_ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.ephemerals('C0CMD')).toMatchObject([{ user: 'U1', text: 'only you' }]);
    expect(fake.messages('C0CMD')).toEqual([]);
  });

  it('requires channel and text or blocks', async ({ client }) => {
    const err = await rejectionOf(client.apiCall('chat.postMessage', { channel: 'C0X' }));
    expect((err as WebAPIPlatformError).data.error).toBe('no_text');
  });

  it('truncates text over 40000 characters with a warning, and warns when blocks have no text fallback', async ({
    fake,
    client,
  }) => {
    const res = await client.chat.postMessage({ channel: 'C0LONG', text: 'x'.repeat(40_010) });
    expect(res.ok).toBe(true);
    expect(fake.messages('C0LONG')[0]?.text).toHaveLength(40_000);
    await client.chat.postMessage({ channel: 'C0LONG', blocks: [section('no fallback')] });
    expect(fake.warnings.map((w) => w.warning)).toEqual([
      'message_truncated',
      expect.stringContaining('missing_text_fallback'),
    ]);
    expect(fake.invalid).toEqual([]);
  });

  it('records link_names and parse=full as mention-safety bugs (the call still succeeds)', async ({
    fake,
    client,
  }) => {
    await client.chat.postMessage({ channel: 'C0M', text: '@channel hi', link_names: true });
    await client.chat.update({
      channel: 'C0M',
      ts: fake.messages('C0M')[0]?.ts ?? '',
      text: 'x',
      parse: 'full',
    });
    await client.chat.postMessage({ channel: 'C0M', text: 'fine', link_names: false });
    expect(fake.invalid.map((i) => i.method)).toEqual(['chat.postMessage', 'chat.update']);
    expect(fake.invalid[0]?.errors[0]).toMatch(/link_names/);
  });
});

describe('FakeSlack: Block Kit validation', () => {
  it('accepts a typical header/section/actions/context message', async ({ fake, client }) => {
    expect(validateMessageBlocks(validBlocks)).toEqual([]);
    const res = await client.chat.postMessage({ channel: 'C0OK', text: 'fallback', blocks: validBlocks });
    expect(res.ok).toBe(true);
    expect(fake.invalid).toEqual([]);
  });

  it('refuses 51 blocks and records it', async ({ fake, client }) => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`row ${i}`));
    const err = await rejectionOf(client.chat.postMessage({ channel: 'C0BIG', text: 'big', blocks }));
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    const data = (err as WebAPIPlatformError).data as unknown as { error: string; errors: string[] };
    expect(data.error).toBe('invalid_blocks');
    expect(data.errors).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
    expect(fake.invalid).toEqual([{ method: 'chat.postMessage', errors: data.errors }]);
    expect(fake.messages('C0BIG')).toEqual([]);
    expect(validateMessageBlocks(blocks.slice(0, 50))).toEqual([]);
  });

  it('refuses a 3001-character section text with a json-pointer', async ({ fake, client }) => {
    const blocks = [...validBlocks.slice(0, 1), section('y'.repeat(3001))];
    const err = await rejectionOf(client.chat.postMessage({ channel: 'C0BIG', text: 'long', blocks }));
    const data = (err as WebAPIPlatformError).data as unknown as { error: string; errors: string[] };
    expect(data.error).toBe('invalid_blocks');
    expect(data.errors).toEqual(['must be less than 3001 characters [json-pointer:/blocks/1/text/text]']);
    expect(fake.invalid).toHaveLength(1);
    expect(validateMessageBlocks([section('y'.repeat(3000))])).toEqual([]);
  });

  it('refuses invalid blocks in chat.update and leaves the message alone', async ({ fake, client }) => {
    const posted = await client.chat.postMessage({ channel: 'C0U', text: 'ok', blocks: validBlocks });
    const bad = [{ type: 'header', text: { type: 'mrkdwn', text: '*not allowed*' } }];
    const err = await rejectionOf(
      client.chat.update({ channel: 'C0U', ts: posted.ts ?? '', text: 'x', blocks: bad }),
    );
    expect((err as WebAPIPlatformError).data.error).toBe('invalid_blocks');
    expect(fake.messages('C0U')[0]?.blocks).toEqual(validBlocks);
  });
});

describe('FakeSlack: views, users, channels, usergroups', () => {
  const modal = {
    type: 'modal' as const,
    callback_id: 'secsol_modal',
    private_metadata: JSON.stringify({ channel: 'C0CMD' }),
    title: { type: 'plain_text' as const, text: 'Solutions' },
    close: { type: 'plain_text' as const, text: 'Close' },
    blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Loading…' } }],
  };

  it('views.open / views.update / views.push', async ({ fake, client }) => {
    const opened = await client.views.open({ trigger_id: '123.456.abc', view: modal });
    const view = opened.view;
    expect(view?.id).toMatch(/^V/);
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'secsol_modal',
      private_metadata: modal.private_metadata,
    });
    const id = view?.id ?? '';
    const hash = view?.hash ?? '';

    const updated = await client.views.update({
      view_id: id,
      hash,
      view: { ...modal, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Loaded' } }] },
    });
    expect(updated.view?.id).toBe(id);
    expect(updated.view?.hash).not.toBe(hash);
    expect(fake.view(id)?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Loaded' } }]);

    const stale = await rejectionOf(client.views.update({ view_id: id, hash, view: modal }));
    expect((stale as WebAPIPlatformError).data.error).toBe('hash_conflict');
    const missing = await rejectionOf(client.views.update({ view_id: 'V0NOPE', view: modal }));
    expect((missing as WebAPIPlatformError).data.error).toBe('not_found');

    const pushed = await client.views.push({ trigger_id: '123.456.def', view: modal });
    expect(pushed.view?.id).not.toBe(id);
  });

  it('refuses an invalid view with invalid_arguments and records it', async ({ fake, client }) => {
    const bad = { ...modal, title: { type: 'plain_text' as const, text: 'This title is far too long' } };
    const err = await rejectionOf(client.views.open({ trigger_id: '1.2.3', view: bad }));
    const data = (err as WebAPIPlatformError).data as unknown as { error: string; errors: string[] };
    expect(data.error).toBe('invalid_arguments');
    expect(data.errors).toEqual(['must be less than 25 characters [json-pointer:/view/title/text]']);
    expect(fake.invalid).toEqual([{ method: 'views.open', errors: data.errors }]);
    const noTrigger = await rejectionOf(client.apiCall('views.open', { view: modal }));
    expect((noTrigger as WebAPIPlatformError).data.error).toBe('invalid_arguments');
  });

  it('views.publish stores one Home tab per user', async ({ fake, client }) => {
    const home = {
      type: 'home' as const,
      blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'Hi' } }],
    };
    const first = await client.views.publish({ user_id: 'U1', view: home });
    const second = await client.views.publish({
      user_id: 'U1',
      view: { ...home, blocks: [{ type: 'divider' }] },
    });
    expect(second.view?.id).toBe(first.view?.id);
    expect(fake.homeView('U1')?.blocks).toEqual([{ type: 'divider' }]);
    const wrongType = await rejectionOf(client.views.publish({ user_id: 'U1', view: modal as never }));
    expect((wrongType as WebAPIPlatformError).data.error).toBe('invalid_arguments');
  });

  it('users.info, conversations.info and usergroups.users.list', async ({ fake, client }) => {
    fake.setUser('U0EVIL', { real_name: '<!channel> &<@U999>', profile: { display_name: '<!here>' } });
    const evil = await client.users.info({ user: 'U0EVIL' });
    expect(evil.user).toMatchObject({ id: 'U0EVIL', real_name: '<!channel> &<@U999>' });
    expect(evil.user?.profile?.display_name).toBe('<!here>');
    expect((await client.users.info({ user: 'U123' })).user?.profile?.real_name).toBe('User U123');
    fake.setUser('U0GONE', null);
    expect(
      ((await rejectionOf(client.users.info({ user: 'U0GONE' }))) as WebAPIPlatformError).data.error,
    ).toBe('user_not_found');

    expect((await client.conversations.info({ channel: 'C0ALERTS' })).channel).toMatchObject({
      id: 'C0ALERTS',
      is_channel: true,
      is_private: false,
    });
    fake.setChannel('C0SECRET', { name: 'secret', is_private: true });
    expect((await client.conversations.info({ channel: 'C0SECRET' })).channel).toMatchObject({
      is_private: true,
    });

    fake.setUsergroup('S0SEC', ['U1', 'U2']);
    expect((await client.usergroups.users.list({ usergroup: 'S0SEC' })).users).toEqual(['U1', 'U2']);
    const unknown = await rejectionOf(client.usergroups.users.list({ usergroup: 'S0NOPE' }));
    expect((unknown as WebAPIPlatformError).data.error).toBe('no_such_subteam');
  });
});

describe('FakeSlack: scripted failures', () => {
  it('a 429 script surfaces as a rate-limited error with retryAfter, then normal behaviour resumes', async ({
    fake,
    client,
  }) => {
    fake.script('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await rejectionOf(client.chat.postMessage({ channel: 'C0RL', text: 'hi' }));
    expect(err).toBeInstanceOf(WebAPIRateLimitedError);
    expect((err as WebAPIRateLimitedError).code).toBe(ErrorCode.RateLimitedError);
    expect((err as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.messages('C0RL')).toEqual([]);
    expect(fake.calls[0]).toMatchObject({ status: 429, response: { ok: false, error: 'ratelimited' } });

    expect((await client.chat.postMessage({ channel: 'C0RL', text: 'hi' })).ok).toBe(true);
    expect(fake.messages('C0RL')).toHaveLength(1);
  });

  it('a 500 script surfaces as an HTTP error', async ({ fake, client }) => {
    fake.script('chat.update', { status: 500 });
    const err = await rejectionOf(client.chat.update({ channel: 'C0', ts: '1.1', text: 'x' }));
    expect(err).toBeInstanceOf(WebAPIHTTPError);
    expect((err as WebAPIHTTPError).statusCode).toBe(500);
  });

  it('an ok:false script surfaces as a platform error', async ({ fake, client }) => {
    fake.script(
      'chat.postMessage',
      { ok: false, error: 'channel_not_found' },
      { ok: false, error: 'not_in_channel' },
    );
    const e1 = await rejectionOf(client.chat.postMessage({ channel: 'C0', text: 'x' }));
    const e2 = await rejectionOf(client.chat.postMessage({ channel: 'C0', text: 'x' }));
    expect((e1 as WebAPIPlatformError).data.error).toBe('channel_not_found');
    expect((e2 as WebAPIPlatformError).data.error).toBe('not_in_channel');
    expect((await client.chat.postMessage({ channel: 'C0', text: 'x' })).ok).toBe(true);
  });

  it('reset destroys the socket; hang never answers; delayMs answers late; respond gives a custom body', async ({
    fake,
    client,
  }) => {
    fake.script('auth.test', { reset: true });
    expect(await rejectionOf(client.auth.test())).toBeInstanceOf(WebAPIRequestError);

    fake.script('auth.test', { hang: true });
    const hung = await rejectionOf(newClient(fake, 'xoxb-test', { timeout: 300 }).auth.test());
    expect(hung).toBeInstanceOf(WebAPIRequestError);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'auth.test', status: 0, response: undefined });

    fake.script('auth.test', { delayMs: 200 });
    const started = performance.now();
    expect((await client.auth.test()).ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);

    fake.script('users.info', {
      respond: (args) => ({ ok: true, user: { id: args.user, name: 'scripted' } }),
    });
    expect((await client.users.info({ user: 'U9' })).user).toEqual({ id: 'U9', name: 'scripted' });
  });
});

describe('FakeSlack.waitFor', () => {
  it('resolves when enough matching calls arrive (and at once when they already have)', async ({
    fake,
    client,
  }) => {
    const waiting = fake.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0W', {
      count: 2,
    });
    void client.chat.postMessage({ channel: 'C0OTHER', text: '1' });
    void client.chat.postMessage({ channel: 'C0W', text: '2' });
    void client.chat.postMessage({ channel: 'C0W', text: '3' });
    const calls = await waiting;
    expect(calls.map((c) => c.args.text)).toEqual(['2', '3']);
    expect(await fake.waitFor((c) => c.args.text === '1')).toHaveLength(1);
  });

  it('times out with a readable error listing the recorded calls', async ({ fake, client }) => {
    await client.auth.test();
    const err = await rejectionOf(fake.waitFor((c) => c.method === 'views.open', { timeoutMs: 50 }));
    expect((err as Error).message).toMatch(/timed out after 50 ms: wanted 1 matching call\(s\), got 0/);
    expect((err as Error).message).toContain('1. auth.test → 200 ok');
  });
});
