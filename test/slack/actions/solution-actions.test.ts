/**
 * The buttons of a solution's view (View, Solution console, Link resources, Configure, Delete), clicked
 * through /slack/events: approvers only where it matters, refusals change nothing, stale clicks are
 * refused with the current state shown in place.
 */
import { describe, expect } from 'vitest';
import { ACTION, CALLBACK } from '../../../src/slack/action-values.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import type { Secsol } from '../../harness/drivers.js';
import { validateView } from '../../harness/fake-slack.js';
import { toldTo } from '../../harness/slack-expectations.js';
import type { ClickOptions } from '../../harness/slack-requests.js';
import { waitUntil } from '../../harness/wait.js';
import { approverTest } from '../approver-test.js';
import { seedSolution } from './seed-solution.js';

const it = approverTest;
const CHANNEL = 'C0SECOPS';

/** A click in an ephemeral view message (a slash command's answer), answered through its response URL. */
function inView(secsol: Secsol, o: Omit<ClickOptions, 'channel' | 'ephemeral' | 'responseUrl' | 'blockId'>) {
  const responseUrl = secsol.fake.newResponseUrl({ channel: CHANNEL, user: o.user ?? 'U0USER' });
  return {
    responseUrl,
    sent: secsol.click({ ...o, channel: CHANNEL, ephemeral: true, responseUrl, blockId: 'solution_actions' }),
  };
}

describe('when someone clicks View', () => {
  it('shows the solution privately, with its management buttons and its name escaped', async ({
    app,
    fake,
    secsol,
  }) => {
    const s = await seedSolution(app.ctx, {
      name: 'Qualys <!here> & co',
      consoleUrl: 'https://qualys.example/console',
    });
    const res = await secsol.click({
      actionId: ACTION.view,
      value: JSON.stringify({ s: s.id }),
      channel: CHANNEL,
    });
    expect(res.status).toBe(200);
    const [answer] = await fake.waitFor(toldTo('U0USER', 'Qualys'));
    const blocks = JSON.stringify(answer?.args.blocks);
    expect(blocks).toContain('solution_actions');
    expect(blocks).toContain(ACTION.configure);
    expect(blocks).not.toContain('<!here>');
    expect(String(answer?.args.text)).toContain('&lt;!here&gt; &amp; co');
    expect(answer?.args.channel).toBe(CHANNEL);
  });

  it('answers a click in a slash command answer through its response URL', async ({ app, fake, secsol }) => {
    const s = await seedSolution(app.ctx, { name: 'Response URL view' });
    const { responseUrl, sent } = inView(secsol, {
      actionId: ACTION.view,
      value: JSON.stringify({ s: s.id }),
    });
    await sent;
    const [post] = await waitUntil(() => {
      const posts = fake.responsePosts(responseUrl);
      return posts.length > 0 ? posts : null;
    });
    expect(post?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(post?.body.blocks)).toContain('Response URL view');
  });

  it('says so for a deleted solution or an invalid value, and the console button only acks', async ({
    fake,
    secsol,
  }) => {
    await secsol.click({ actionId: ACTION.console, user: 'U0CONSOLE', channel: CHANNEL });
    await secsol.click({
      actionId: ACTION.view,
      value: JSON.stringify({ s: 'gone-solution' }),
      user: 'U0CONSOLE',
    });
    await fake.waitFor(toldTo('U0CONSOLE', 'was deleted'));
    await secsol.click({ actionId: ACTION.view, value: '{"s":"<!channel>"}', user: 'U0CONSOLE' });
    await fake.waitFor(toldTo('U0CONSOLE', 'This button is not valid'));
    expect(fake.calls.filter((c) => c.args.user === 'U0CONSOLE')).toHaveLength(2);
  });
});

describe('when an approver clicks Link resources or Configure', () => {
  it('opens the modals on the click trigger, carrying the solution and its version', async ({
    app,
    fake,
    secsol,
  }) => {
    const s = await seedSolution(app.ctx, {
      name: 'Modal target',
      linkedResources: ['/subscriptions/1/vm-a', '/subscriptions/1/vm-b'],
      every: 30 * 60_000,
      owner: 'U0OWNER',
      alertChannel: 'C0WAFALERTS',
    });
    const value = JSON.stringify({ s: s.id, v: 1 });
    await secsol.click({ actionId: ACTION.link, value, user: 'U0APPROVER', channel: CHANNEL });
    await secsol.click({ actionId: ACTION.configure, value, user: 'U0APPROVER', channel: CHANNEL });
    const opened = await fake.waitFor((c) => c.method === 'views.open', { count: 2 });
    const views = opened.map((c) => c.args.view as { callback_id: string; private_metadata: string });
    const link = views.find((v) => v.callback_id === CALLBACK.link);
    const configure = views.find((v) => v.callback_id === CALLBACK.configure);
    expect(JSON.parse(link?.private_metadata ?? '')).toEqual({ s: s.id, v: 1, c: CHANNEL });
    expect(JSON.stringify(link)).toContain('/subscriptions/1/vm-a\\n/subscriptions/1/vm-b');
    expect(JSON.stringify(configure)).toContain('"initial_value":"30m"');
    expect(JSON.stringify(configure)).toContain('"initial_user":"U0OWNER"');
    expect(JSON.stringify(configure)).toContain('"initial_conversation":"C0WAFALERTS"');
    for (const v of views) expect(validateView(v)).toEqual([]);
    for (const c of opened) expect(typeof c.args.trigger_id).toBe('string');
  });
});

describe('when someone who is not an approver clicks Link resources, Configure or Delete', () => {
  it('refuses privately, audits each attempt and changes nothing', async ({ app, fake, secsol }) => {
    const s = await seedSolution(app.ctx, { name: 'Guarded solution' });
    const before = await app.ctx.redis.hgetall(app.ctx.keys.solution(s.id));
    const value = JSON.stringify({ s: s.id, v: 1 });
    for (const actionId of [ACTION.link, ACTION.configure, ACTION.delete]) {
      await secsol.click({
        actionId,
        value,
        user: 'U0INTRUDER',
        channel: CHANNEL,
        blockId: 'solution_actions',
      });
    }
    await fake.waitFor(toldTo('U0INTRUDER', 'Only secsol approvers'), { count: 3 });
    expect(await app.ctx.redis.hgetall(app.ctx.keys.solution(s.id))).toEqual(before);
    expect(
      fake.calls.filter((c) => c.method === 'views.open' && JSON.stringify(c.args).includes(s.id)),
    ).toEqual([]);
    expect(fake.callsTo('chat.update')).toEqual([]);
    const audit = await new AuditRepository(app.ctx).recent(s.id);
    expect(audit.map((a) => [a.action, a.outcome]).sort()).toEqual([
      ['solution.configure', 'refused'],
      ['solution.delete', 'refused'],
      ['solution.link', 'refused'],
    ]);
  });
});

describe('when a view button is clicked after the solution changed', () => {
  it('refuses, replaces the message with the current state and opens nothing', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Changed under you' });
    expect(await solutions.updateConfig(s.id, { name: 'Changed under you, v2' }, 1, Date.now())).toBe('ok');
    const { responseUrl, sent } = inView(secsol, {
      actionId: ACTION.configure,
      value: JSON.stringify({ s: s.id, v: 1 }),
      user: 'U0APPROVER',
    });
    await sent;
    const posts = await waitUntil(() => {
      const p = fake.responsePosts(responseUrl);
      return p.length >= 2 ? p : null;
    });
    const replaced = posts.find((p) => p.body.replace_original === true);
    expect(JSON.stringify(replaced?.body.blocks)).toContain('Changed under you, v2');
    expect(JSON.stringify(replaced?.body.blocks)).toContain(`{\\"s\\":\\"${s.id}\\",\\"v\\":2}`);
    const told = posts.find((p) => p.body.replace_original === false);
    expect(told?.body.text).toContain('changed since this message was posted');
    expect(
      fake.calls.filter((c) => c.method === 'views.open' && JSON.stringify(c.args).includes(s.id)),
    ).toEqual([]);
  });
});

describe('when an approver deletes a solution', () => {
  it('deletes it, audits it and the message says who deleted it; a later click is told it is gone', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'To be deleted' });
    const value = JSON.stringify({ s: s.id, v: 1 });
    const first = inView(secsol, { actionId: ACTION.delete, value, user: 'U0APPROVER' });
    await first.sent;
    const [post] = await waitUntil(() => {
      const p = fake.responsePosts(first.responseUrl);
      return p.length > 0 ? p : null;
    });
    expect(post?.body.replace_original).toBe(true);
    expect(post?.body.text).toContain('was deleted by <@U0APPROVER>');
    expect(await solutions.get(s.id)).toBeNull();
    const audit = await new AuditRepository(app.ctx).recent(s.id);
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'slack:U0APPROVER', action: 'solution.delete', outcome: 'applied' }),
    );

    const again = inView(secsol, { actionId: ACTION.delete, value, user: 'U0APPROVER' });
    await again.sent;
    const posts = await waitUntil(() => {
      const p = fake.responsePosts(again.responseUrl);
      return p.length >= 2 ? p : null;
    });
    expect(posts.map((p) => p.body.text).join('\n')).toContain('was deleted since this message was posted');
  });
});
