/**
 * `/secsol status` through the real endpoint: counts, worst first, discovered with Connect, data sources
 * with Add, and within Block Kit's limits at 1, 50, 1,000 and 10,000 solutions, answered in the ack.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startApp, type TestApp } from '../../harness/app.js';
import { FakeSlack } from '../../harness/fake-slack.js';
import { interactivityBody, newTriggerId, sendSigned } from '../../harness/slack-signer.js';
import { waitUntil } from '../../harness/wait.js';
import { expectValidMessage, type Json, mixedSpecs, seed, slash } from './command-helpers.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { worker: false });
});
afterAll(async () => {
  await app?.close();
  await fake.close();
});
afterEach(async () => {
  // Each test starts from no solutions: clear this app's solution set and hashes.
  const ids = await app.ctx.redis.smembers(app.ctx.keys.solutions);
  for (let i = 0; i < ids.length; i += 1000) {
    await app.ctx.redis.unlink(...ids.slice(i, i + 1000).map((id) => app.ctx.keys.solution(id)));
  }
  await app.ctx.redis.del(app.ctx.keys.solutions, app.ctx.keys.statusIndex);
  fake.reset();
});

function actionValues(blocks: Json[], actionId: string): Json[] {
  const out: Json[] = [];
  for (const b of blocks) {
    const els = [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])];
    for (const el of els) if (el.action_id === actionId) out.push(JSON.parse(el.value));
  }
  return out;
}

describe('/secsol status', () => {
  it('is the default for the bare command and shows every part of the page', async () => {
    await seed(app.ctx, [
      { id: 'fine', name: 'Fine WAF', as: 'healthy' },
      { id: 'broken', name: 'Broken VA', as: 'unhealthy', lastEventAt: Date.now() - 60_000 },
      { id: 'quiet', name: 'Quiet NGFW', as: 'stopped_reporting' },
      { id: 'new', name: 'New EDR', as: 'not_reported' },
      { id: 'found', name: 'Found Identity', as: 'discovered' },
    ]);
    const res = await slash(app, '');
    expect(res.body.response_type).toBe('ephemeral');
    const json = expectValidMessage(res.body);
    const blocks = res.body.blocks as Json[];

    const counts = blocks.find((b) => b.block_id === 'status_counts');
    const countText = counts.fields.map((f: Json) => f.text).join(' | ');
    expect(countText).toContain(':red_circle: Unhealthy\n*1*');
    expect(countText).toContain(':large_orange_circle: Stopped reporting\n*1*');
    expect(countText).toContain(':white_circle: Not reported\n*1*');
    expect(countText).toContain(':large_green_circle: Healthy\n*1*');

    // Worst first: unhealthy, stopped reporting, not reported, healthy.
    expect(actionValues(blocks, 'solution_view')).toEqual([
      { s: 'broken' },
      { s: 'quiet' },
      { s: 'new' },
      { s: 'fine' },
    ]);
    expect(json).toContain('last event <!date^');
    expect(json).toContain('expected every 1h');
    expect(actionValues(blocks, 'discovered_connect')).toEqual([{ s: 'found', v: 1 }]);
    expect(actionValues(blocks, 'source_add').map((v) => v.k)).toEqual(
      expect.arrayContaining(['push-api', 'defender-for-cloud', 'on-prem-machines']),
    );
    expect(res.body.text).toContain('4 connected security solutions');

    const explicit = await slash(app, 'status');
    expect(actionValues(explicit.body.blocks, 'solution_view')).toHaveLength(4);
  });

  it('says so when there is nothing yet', async () => {
    const res = await slash(app, 'status');
    expectValidMessage(res.body);
    expect(JSON.stringify(res.body)).toContain('None yet');
  });

  for (const n of [1, 50, 1000, 10_000]) {
    it(`stays within Block Kit limits with ${n.toLocaleString('en-US')} solutions`, async () => {
      await seed(app.ctx, mixedSpecs(n));
      const res = await slash(app, 'status');
      const json = expectValidMessage(res.body);
      const blocks = res.body.blocks as Json[];
      const views = actionValues(blocks, 'solution_view');
      const connected = n - Math.floor(n / 8); // every 8th is discovered
      expect(views.length).toBe(Math.min(20, connected));
      if (connected > 20) {
        expect(json).toContain(`…and ${(connected - 20).toLocaleString('en-US')} more`);
        expect(actionValues(blocks, 'status_page')).toEqual([{ p: 1 }]);
      } else {
        expect(actionValues(blocks, 'status_page')).toEqual([]);
      }
      for (const b of blocks) {
        if (b.text?.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
        if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
        if (b.elements) expect(b.elements.length).toBeLessThanOrEqual(25);
      }
      if (n === 10_000) {
        console.log(`/secsol status with 10,000 solutions answered in ${Math.round(res.elapsedMs)} ms`);
        expect(res.elapsedMs).toBeLessThan(3000);
      }
    });
  }

  it('pages through the connected solutions with the page button, replacing the message', async () => {
    await seed(app.ctx, mixedSpecs(100));
    const first = await slash(app, 'status');
    const firstIds = actionValues(first.body.blocks, 'solution_view').map((v) => v.s);

    const responseUrl = fake.newResponseUrl({ user: 'U1' });
    const click = (value: string) =>
      sendSigned(
        `${app.url}/slack/events`,
        interactivityBody({
          type: 'block_actions',
          token: 'verification-token-test',
          team: { id: 'T0TEST', domain: 'secsol-test' },
          user: { id: 'U1', username: 'alice', team_id: 'T0TEST' },
          api_app_id: 'A0TEST',
          trigger_id: newTriggerId(),
          container: { type: 'message', message_ts: '1.000001', channel_id: 'C0CMD', is_ephemeral: true },
          channel: { id: 'C0CMD', name: 'secops' },
          response_url: responseUrl,
          actions: [
            {
              type: 'button',
              action_id: 'status_page',
              block_id: 'b1',
              value,
              text: { type: 'plain_text', text: 'Next' },
              action_ts: '1.000002',
            },
          ],
        }),
        { secret: SIGNING_SECRET },
      );

    expect((await click('{"p":1}')).status).toBe(200);
    const [post] = await waitUntil(() => {
      const posts = fake.responsePosts(responseUrl);
      return posts.length === 1 ? posts : null;
    });
    expect(post?.body.replace_original).toBe(true);
    expectValidMessage(post?.body);
    const second = actionValues(post?.body.blocks, 'solution_view').map((v) => v.s);
    expect(second).toHaveLength(20);
    expect(second.some((id) => firstIds.includes(id))).toBe(false);
    expect(actionValues(post?.body.blocks, 'status_page')).toEqual([{ p: 2 }, { p: 0 }]);

    // A forged page value is refused with an explanation, not a stack trace.
    expect((await click('{"p":"x"}')).status).toBe(200);
    const refused = await waitUntil(() => fake.responsePosts(responseUrl)[1]);
    expect(refused.body.text).toContain('out of date');
    expect(refused.body.replace_original).toBe(false);
  });
});
