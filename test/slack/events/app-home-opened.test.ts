/**
 * App Home through the Events API: opening the Home tab publishes a personal dashboard (counts, worst
 * solutions, my snoozes, delivery errors) that stays valid Block Kit with 10,000 solutions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HealthState, Solution } from '../../../src/domain/model.js';
import { DeliveryRepository } from '../../../src/storage/delivery-repository.js';
import { solutionFields } from '../../../src/storage/solution-record.js';
import { memberFor } from '../../../src/storage/status-index.js';
import { startApp, type TestApp } from '../../harness/app.js';
import { FakeSlack, type SlackCall, validateView } from '../../harness/fake-slack.js';
import { sendEvent } from '../../harness/slack-requests.js';

let fake: FakeSlack;

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  expect(fake.invalid).toEqual([]);
});

const publishedFor = (user: string) => (c: SlackCall) =>
  c.method === 'views.publish' && c.args.user_id === user;

function openHome(app: TestApp, user: string, tab = 'home') {
  return sendEvent(app, { type: 'app_home_opened', user, channel: 'D0HOME', tab });
}

/** Writes `count` solutions straight into Redis in pipelined batches, a quarter in each state. */
async function seedMany(app: TestApp, count: number, now: number): Promise<void> {
  const { redis, keys } = app.ctx;
  for (let start = 0; start < count; start += 1000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const id = `bulk-${i}`;
      const solution: Solution = {
        id,
        name: i % 7 === 0 ? `<!channel> @here bulk ${i} ${'x'.repeat(300)}` : `Bulk solution ${i}`,
        vendor: 'Vendor',
        family: 'edr',
        source: 'push',
        linkedResources: [],
        lifecycle: i % 50 === 49 ? 'discovered' : 'connected',
        createdAt: now - 3_600_000,
        connectedAt: now - 3_600_000,
        version: 1,
      };
      const facts: Record<string, string> = {
        rev: '1',
        state: 'not_reported',
        flipSeq: '0',
        unhealthyStreak: '0',
      };
      if (i % 4 === 0)
        Object.assign(facts, { lastHealthAt: String(now - 1000), lastHealthStatus: 'healthy' });
      if (i % 4 === 1) {
        Object.assign(facts, {
          lastHealthAt: String(now - 1000),
          lastHealthStatus: 'unhealthy',
          unhealthyStreak: '1',
        });
      }
      if (i % 4 === 2)
        Object.assign(facts, { lastHealthAt: String(now - 86_400_000), lastHealthStatus: 'healthy' });
      if (i <= 12) Object.assign(facts, { snoozedUntil: String(now + 3_600_000), snoozedBy: 'U0HOME' });
      if (i === 1) Object.assign(facts, { snoozedUntil: '-1', snoozedBy: 'slack:U0HOME' });
      if (i === 13) Object.assign(facts, { snoozedUntil: String(now + 3_600_000), snoozedBy: 'U0SOMEONE' });
      // The committed state the evaluator would have written, and its place in the read model.
      const state = (['healthy', 'unhealthy', 'stopped_reporting', 'not_reported'] as const)[i % 4];
      facts.state = state ?? 'not_reported';
      pipeline.hset(keys.solution(id), { ...solutionFields(solution), ...facts });
      pipeline.sadd(keys.solutions, id);
      const member = memberFor(solution.lifecycle, facts.state as HealthState, id);
      if (member) pipeline.zadd(keys.statusIndex, 0, member);
      if (facts.snoozedBy) pipeline.sadd(keys.snoozed, id);
    }
    await pipeline.exec();
  }
}

describe('when a user opens the Home tab with 10,000 solutions', () => {
  it('publishes a valid dashboard within the limits: counts, worst, my snoozes and delivery errors', async () => {
    const app = await startApp(fake, { worker: false });
    try {
      await seedMany(app, 10_000, Date.now());
      const delivery = new DeliveryRepository(app.ctx);
      for (let i = 6; i >= 0; i--) {
        await delivery.recordError({
          at: Date.now() - i * 1000,
          itemId: `flip-bulk-${i}-1`,
          solutionId: `bulk-${i}`,
          channel: 'C0GONE',
          error: i === 0 ? 'channel_not_found <!channel>' : 'not_in_channel',
        });
      }
      const res = await openHome(app, 'U0HOME');
      expect(res.status).toBe(200);
      const [published] = await fake.waitFor(publishedFor('U0HOME'), { timeoutMs: 15_000 });
      const view = published?.args.view as {
        type: string;
        blocks: { type: string; text?: { text: string } }[];
      };
      expect(view.type).toBe('home');
      expect(validateView(view)).toEqual([]);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      for (const b of view.blocks) expect((b.text?.text ?? '').length).toBeLessThanOrEqual(3000);
      const json = JSON.stringify(view);
      expect(json).not.toMatch(/<!channel|<!here/);
      expect(json).toContain('&lt;!channel&gt;');
      // 9,800 connected, 200 discovered (taken from the unhealthy and the not-reported quarters).
      expect(json).toMatch(/Unhealthy\\n\*2,400\*/);
      expect(json).toMatch(/Stopped reporting\\n\*2,500\*/);
      expect(json).toMatch(/Discovered\\n\*200\*/);
      expect(json).toContain('*My snoozes* (13)');
      expect(json).toContain('…and 3 more');
      expect(json).toContain('until it recovers');
      expect(json).not.toContain('bulk 13 ');
      expect(json).toContain('*Delivery errors* (latest 5)');
      expect(json).toContain('channel_not_found &lt;!channel&gt;');
      expect(fake.homeView('U0HOME')?.blocks.length).toBe(view.blocks.length);
    } finally {
      await app.close();
    }
  });
});

describe('when Home opens on another tab, or with nothing to show', () => {
  it('publishes only for the Home tab, and explains an empty dashboard', async () => {
    const app = await startApp(fake, { worker: false });
    try {
      await openHome(app, 'U0MESSAGES', 'messages');
      await openHome(app, 'U0EMPTY');
      const [published] = await fake.waitFor(publishedFor('U0EMPTY'));
      const json = JSON.stringify(published?.args.view);
      expect(json).toContain('No connected solutions yet');
      expect(json).toContain('You have no active snoozes');
      expect(json).toContain('Every recent message reached Slack');
      expect(fake.calls.filter(publishedFor('U0MESSAGES'))).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
