/**
 * What local mode's Slack keeps is bounded (real Redis, under the test's own prefix): a channel keeps its
 * last MESSAGES_PER_CHANNEL messages, numbered for good; a message that fell off is gone by number and by ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LocalSlackStore, MESSAGES_PER_CHANNEL } from '../../src/slack/local-slack-store.js';
import { cleanupPrefix, keysOf, testPrefix, testRedis } from '../harness/redis.js';

describe('local mode Slack store', () => {
  const redis = testRedis();
  const prefix = testPrefix('local-store');
  const store = new LocalSlackStore(redis, prefix);

  afterAll(async () => {
    await cleanupPrefix(redis, prefix);
    redis.disconnect();
  });

  it('keeps the last messages of a channel, under the app prefix, and forgets older ones', async () => {
    const first = await store.post({ channel: 'C0LOCAL', text: 'first', blocks: [] });
    for (let i = 2; i <= MESSAGES_PER_CHANNEL + 5; i++) {
      await store.post({ channel: 'C0LOCAL', text: `m${i}`, blocks: [] });
    }
    const recent = await store.recent('C0LOCAL');
    expect(recent).toHaveLength(MESSAGES_PER_CHANNEL);
    expect(recent[0]?.n).toBe(6);
    expect(recent.at(-1)?.text).toBe(`m${MESSAGES_PER_CHANNEL + 5}`);
    expect(await store.byNumber('C0LOCAL', first.n)).toBeNull();
    expect(await store.byTs('C0LOCAL', first.ts)).toBeNull();
    expect((await store.recent('C0LOCAL', 3)).map((m) => m.n)).toEqual([
      MESSAGES_PER_CHANNEL + 3,
      MESSAGES_PER_CHANNEL + 4,
      MESSAGES_PER_CHANNEL + 5,
    ]);
    // One hash per channel for messages and one for their ts: the size does not grow with time.
    const keys = await keysOf(redis, prefix);
    expect(keys.every((k) => k.startsWith(`{${prefix}}:local-slack:`))).toBe(true);
    expect(await redis.hlen(`{${prefix}}:local-slack:msg:C0LOCAL`)).toBe(MESSAGES_PER_CHANNEL);
    expect(await redis.hlen(`{${prefix}}:local-slack:ts:C0LOCAL`)).toBe(MESSAGES_PER_CHANNEL);
  });

  it('keeps one open modal and one App Home per user, with an expiry', async () => {
    await store.rememberTrigger('1.2.abc', 'U0LOCALUSER');
    expect(await store.triggerUser('1.2.abc')).toBe('U0LOCALUSER');
    await store.openView({ id: 'V1', hash: '1', user: 'U0LOCALUSER', view: { type: 'modal' } });
    await store.openView({ id: 'V2', hash: '2', user: 'U0LOCALUSER', view: { type: 'modal' } });
    expect((await store.modal('U0LOCALUSER'))?.id).toBe('V2');
    expect(await redis.ttl(`{${prefix}}:local-slack:modal:U0LOCALUSER`)).toBeGreaterThan(0);
    await store.closeModal('U0LOCALUSER');
    expect(await store.modal('U0LOCALUSER')).toBeNull();
    await store.publishHome({ id: 'V3', hash: '3', user: 'U0LOCALUSER', view: { type: 'home' } });
    expect((await store.home('U0LOCALUSER'))?.id).toBe('V3');
  });
});
