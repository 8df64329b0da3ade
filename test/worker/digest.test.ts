/**
 * Storm control: when many solutions in one channel flip at once (an outage), the channel gets one
 * digest message that is edited as more flips arrive, not one message per solution.
 */
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { topLevelPosts } from '../harness/slack-expectations.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest({ env: { SECSOL_DIGEST_THRESHOLD: '5', SECSOL_DIGEST_WINDOW: '30s' } });

describe('when 30 solutions of one channel stop reporting at the same time', () => {
  it('posts a digest instead of 30 messages, and every flip is delivered exactly once', async ({
    fake,
    secsol,
  }) => {
    const solutions = await Promise.all(
      Array.from({ length: 30 }, (_, i) => secsol.createSolution(`Sensor ${String(i).padStart(2, '0')}`)),
    );
    await Promise.all(
      solutions.map(async (s) => expect((await secsol.report(s, 'healthy')).status).toBe(202)),
    );
    await waitUntil(async () => {
      const states = await Promise.all(solutions.map((s) => secsol.stateOf(s.id)));
      return states.every((st) => st === 'healthy');
    });

    // All 30 go stale together (every 2 s + grace 1 s); each flip ends sent (alone) or digested.
    await waitUntil(
      async () => {
        const details = await Promise.all(solutions.map((s) => secsol.solution(s.id)));
        return details.every((d) => ['sent', 'digested'].includes(d.flips[0]?.delivery ?? ''));
      },
      { timeoutMs: 20_000 },
    );
    const posts = fake.calls.filter(topLevelPosts(ALERT_CHANNEL));
    expect(posts.length).toBeLessThanOrEqual(4);
    const digest = fake.messages(ALERT_CHANNEL).find((m) => / security solutions changed state/.test(m.text));
    expect(digest).toBeDefined();
    // Messages + the latest digest text together name every solution exactly once as stopped.
    const alone = posts.filter((c) => !/changed state/.test(String(c.args.text))).length;
    expect(digest?.text).toMatch(new RegExp(`^${30 - alone} security solutions changed state`));
    // Posts to one channel keep Slack's ~1 message per second.
    const times = fake.calls
      .filter(
        (c) =>
          (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === ALERT_CHANNEL,
      )
      .map((c) => c.at);
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(900);
    expect(fake.invalid).toEqual([]);
  });
});
