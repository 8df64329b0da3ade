/**
 * Stored security events are bounded per solution in bytes (docs/reliability.md row 5, docs/contract.md §7):
 * past SECSOL_EVENT_BUDGET the oldest go, in the step that stores the new ones, and /metrics counts them. An
 * event batch (the Slack message of a burst) names its events instead of copying them, and renders them
 * from the stored list: one the budget dropped before the message went out is shown as dropped.
 */
import { describe, expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { SlackCall } from '../harness/fake-slack.js';
import { secsolTest } from '../harness/fixtures.js';
import { keysOf } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

/** 300,000 bytes: four of the ~60 KB events below fit, a fifth does not. */
const BUDGET = 300_000;
const env = {
  SECSOL_EVENT_BUDGET: String(BUDGET),
  SECSOL_EVENT_MIN_SEVERITY: 'high',
  SECSOL_EXPECTED_EVERY: '10m',
};
const it = secsolTest({ env });

/** An event whose stored JSON is about `kb` KB (most of it in its properties, as a scanner's raw finding). */
const bigEvent = (id: string, severity: string, kb = 60) => ({
  id,
  severity,
  title: `Finding ${id}`,
  properties: { raw: 'x'.repeat(kb * 1000) },
});

const eventBatchPosts = (id: string) => (c: SlackCall) => {
  const meta = c.args.metadata as { event_payload?: { delivery_id?: string } } | undefined;
  return c.method === 'chat.postMessage' && String(meta?.event_payload?.delivery_id).startsWith(`evb-${id}-`);
};

async function droppedTotal(app: TestApp, reason: string): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const m = new RegExp(`^secsol_events_dropped_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

describe('when a solution sends more event bytes than its budget', () => {
  it('keeps the newest within the budget, drops the oldest and counts them in /metrics', async ({
    app,
    secsol,
  }) => {
    const s = await secsol.createSolution('Budget Flood');
    for (let i = 1; i <= 8; i++) {
      const res = await secsol.postEvents(s, { events: [bigEvent(`e${i}`, 'low')] });
      expect(res.status).toBe(202);
    }
    const stored = await app.ctx.redis.lrange(app.ctx.keys.events(s.id), 0, -1);
    expect(stored.map((j) => (JSON.parse(j) as { id: string }).id)).toEqual(['e8', 'e7', 'e6', 'e5']);
    const bytes = stored.reduce((sum, j) => sum + Buffer.byteLength(j), 0);
    expect(bytes).toBeLessThanOrEqual(BUDGET);
    expect(Number(await app.ctx.redis.hget(app.ctx.keys.solution(s.id), 'eventBytes'))).toBe(bytes);
    expect(await droppedTotal(app, 'budget')).toBe(4);
  });
});

describe('when a burst of events is posted to Slack', () => {
  it('shows the events, from a batch that names them instead of holding copies', async ({
    app,
    fake,
    secsol,
  }) => {
    const s = await secsol.createSolution('Batch Refs');
    const res = await secsol.postEvents(s, {
      events: [bigEvent('ref-1', 'high', 50), bigEvent('ref-2', 'critical', 50)],
    });
    expect(res.status).toBe(202);
    const [post] = await fake.waitFor(eventBatchPosts(s.id));
    const shown = JSON.stringify(post?.args.blocks);
    expect(shown).toContain('Finding ref-1');
    expect(shown).toContain('Finding ref-2');
    expect(shown).toContain('*2 security events*');
    expect(shown).not.toContain('dropped');

    const [batchKey] = (await keysOf(app.ctx.redis, app.prefix)).filter((k) =>
      k.includes(`:event-batch:evb-${s.id}-`),
    );
    expect(batchKey).toBeDefined();
    const batch = await app.ctx.redis.hgetall(batchKey as string);
    expect(batch.events).toBeUndefined();
    expect(JSON.parse(batch.eventRefs ?? '')).toEqual([
      ['ref-1', 1],
      ['ref-2', 2],
    ]);
    // Ids and a few delivery fields: nothing of the 100 KB of events.
    const size = Object.entries(batch).reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(size).toBeLessThan(2000);
  });

  it('says which events the budget dropped before the message went out', async ({ fake, startSecsol }) => {
    // Only the web side first: the batch waits in the outbox while newer events push its event out.
    const web = await startSecsol({ worker: false });
    const s = await web.createSolution('Batch Late');
    expect((await web.postEvents(s, { events: [bigEvent('early', 'high')] })).status).toBe(202);
    for (let i = 1; i <= 5; i++)
      expect((await web.postEvents(s, { events: [bigEvent(`later-${i}`, 'low')] })).status).toBe(202);
    const stored = await web.app.ctx.redis.lrange(web.app.ctx.keys.events(s.id), 0, -1);
    expect(stored.some((j) => j.includes('"early"'))).toBe(false);

    await startSecsol({ web: false, prefix: web.app.prefix });
    const [post] = await fake.waitFor(eventBatchPosts(s.id), { timeoutMs: 15_000 });
    const shown = JSON.stringify(post?.args.blocks);
    expect(shown).toContain('early');
    expect(shown).toContain('(dropped: over budget)');
    expect(shown).toContain('*1 security event*');
    await waitUntil(
      async () => (await web.app.ctx.redis.zcard(web.app.ctx.keys.kindOutbox('event-batch'))) === 0,
      {
        message: 'the batch is settled',
      },
    );
  });
});

describe('when a solution sends events faster than Slack takes messages', () => {
  it('keeps one batch waiting that later events join: every event is in exactly one message', async ({
    app,
    fake,
    secsol,
  }) => {
    const s = await secsol.createSolution('Burst Joiner');
    const sent = 40;
    await Promise.all(
      Array.from({ length: sent }, (_, i) =>
        secsol
          .postEvents(s, { events: [{ id: `j${i}`, severity: 'critical', title: `Finding j${i}` }] })
          .then((res) => expect(res.status).toBe(202)),
      ),
    );
    // Never more than one batch of this solution open and waiting (plus the one being posted).
    const items = await app.ctx.redis.zrange(app.ctx.keys.kindOutbox('event-batch'), '0', '-1');
    expect(items.filter((id) => id.startsWith(`evb-${s.id}-`)).length).toBeLessThanOrEqual(2);

    const counted = () =>
      fake.calls
        .filter(eventBatchPosts(s.id))
        .reduce((sum, c) => sum + Number(/^(\d+) security event/.exec(String(c.args.text))?.[1] ?? 0), 0);
    await waitUntil(() => counted() === sent, { timeoutMs: 15_000, message: 'every event posted' });
    const posts = fake.calls.filter(eventBatchPosts(s.id));
    expect(posts.length).toBeLessThan(sent / 4);
    // Each event in one message only: the batches that joined are closed before they are read.
    const shown = posts.flatMap((c) =>
      [...JSON.stringify(c.args.blocks).matchAll(/Finding (j\d+)/g)].map((m) => m[1]),
    );
    expect(new Set(shown).size).toBe(shown.length);
    // Sent, a batch is kept an hour, not its week: a solution posting around the clock leaves a bounded trail.
    const meta = posts[0]?.args.metadata as { event_payload: { delivery_id: string } } | undefined;
    const first = meta?.event_payload.delivery_id ?? '';
    await waitUntil(
      async () => (await app.ctx.redis.hget(app.ctx.keys.eventBatch(first), 'delivery')) === 'sent',
    );
    const ttl = await app.ctx.redis.pttl(app.ctx.keys.eventBatch(first));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });
});
