/**
 * The tick watchdog (src/worker/tick-watchdog.ts) on the monotonic clock, with fake timers and a scripted
 * Redis: a heartbeat that stops moving while Redis answers is a clock step (reschedule); one that could not
 * move because Redis was unreachable is an outage, which the outage log reports, not the watchdog.
 */

import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StorageContext } from '../../src/storage/context.js';
import { startTickWatchdog, type TickWatchdog } from '../../src/worker/tick-watchdog.js';

/** A Redis stand-in: only what the watchdog reads (status, and GET of the heartbeat). */
function scriptedRedis() {
  const r = {
    status: 'ready',
    beat: '1',
    down: false,
    get: async () => {
      if (r.down) throw new Error('Connection is closed.');
      return r.beat;
    },
  };
  return r;
}

let watchdog: TickWatchdog | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  watchdog?.stop();
  vi.useRealTimers();
});

function start(redis: ReturnType<typeof scriptedRedis>) {
  const reschedule = vi.fn(async () => {});
  const warn = vi.fn();
  const logger = pino({ level: 'silent' });
  logger.warn = warn as unknown as typeof logger.warn;
  const ctx = { redis, keys: { heartbeat: 'hb' } } as unknown as StorageContext;
  watchdog = startTickWatchdog({ ctx, tickEveryMs: 500, reschedule, logger });
  return { reschedule, warn };
}

describe('the tick watchdog', () => {
  it('reschedules when the heartbeat stops moving while Redis answers', async () => {
    const redis = scriptedRedis();
    const { reschedule } = start(redis);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reschedule).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(reschedule).toHaveBeenCalledTimes(1);
  });

  it('leaves moving ticks alone', async () => {
    const redis = scriptedRedis();
    const { reschedule } = start(redis);
    for (let i = 0; i < 20; i++) {
      redis.beat = String(i);
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(reschedule).not.toHaveBeenCalled();
  });

  it('does not call a Redis outage a clock step: patience counts from the first answer after it', async () => {
    const redis = scriptedRedis();
    const { reschedule, warn } = start(redis);
    await vi.advanceTimersByTimeAsync(500);
    redis.down = true;
    await vi.advanceTimersByTimeAsync(2_000);
    redis.status = 'reconnecting';
    await vi.advanceTimersByTimeAsync(3_000);
    redis.down = false;
    redis.status = 'ready';
    // Back with the same heartbeat: the ticks get their usual patience before anything is said.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reschedule).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    // And if they still do not come back, that is a stall after all.
    await vi.advanceTimersByTimeAsync(2_500);
    expect(reschedule).toHaveBeenCalledTimes(1);
  });

  it('treats a read that waited out a reconnect as an outage too', async () => {
    const redis = scriptedRedis();
    const { reschedule } = start(redis);
    await vi.advanceTimersByTimeAsync(500);
    // The worker's connection queues commands while it reconnects: the read answers 4 s later.
    redis.get = () => new Promise((resolve) => setTimeout(() => resolve(redis.beat), 4_000));
    await vi.advanceTimersByTimeAsync(4_600);
    redis.get = async () => redis.beat;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reschedule).not.toHaveBeenCalled();
  });
});
