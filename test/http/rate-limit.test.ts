/**
 * Per-token rate limiting on ingestion (RELIABILITY 7.2 test 19): a token bursting at twice its limit
 * gets exactly its limit through in one window and 429 with Retry-After for the rest, while another
 * token is not affected; the counters expire with their window.
 */
import { describe, expect } from 'vitest';
import { secsolTest } from '../harness/fixtures.js';
import { keysOf } from '../harness/redis.js';

const LIMIT = 20;
const WINDOW_MS = 60_000;

const it = secsolTest({ env: { SECSOL_RATE_LIMIT: String(LIMIT), SECSOL_EXPECTED_EVERY: '10m' } });

describe('when a token sends a burst at twice its limit', () => {
  it('accepts exactly the limit in one window, answers 429 with Retry-After to the rest, and spares other tokens', async ({
    app,
    secsol,
  }) => {
    const a = await secsol.createSolution('Burst A', { vendor: 'Imperva' });
    const b = await secsol.createSolution('Steady B', { vendor: 'Imperva' });
    const windowAtStart = Math.floor(Date.now() / WINDOW_MS);

    // A bursts all at once while B sends one request at a time, as a well-behaved reporter does.
    const burst = Promise.all(Array.from({ length: 2 * LIMIT }, () => secsol.report(a, 'healthy')));
    const steady: number[] = [];
    for (let i = 0; i < LIMIT / 2; i++) steady.push((await secsol.report(b, 'healthy')).status);
    const results = await burst;
    const sameWindow = Math.floor(Date.now() / WINDOW_MS) === windowAtStart;

    const accepted = results.filter((r) => r.status === 202);
    const limited = results.filter((r) => r.status === 429);
    expect(accepted.length + limited.length).toBe(2 * LIMIT);
    // The minute may roll over during the burst: then up to one more window's worth gets through.
    if (sameWindow) expect(accepted).toHaveLength(LIMIT);
    else expect(accepted.length).toBeGreaterThanOrEqual(LIMIT);
    for (const r of limited) {
      expect(r.body).toEqual({ error: 'secsol_rate_limited', message: expect.any(String) });
      const retryAfter = Number(r.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    }
    expect(steady.every((s) => s === 202)).toBe(true);

    // Once limited, A stays limited for the rest of the window; B still is not.
    if (Math.floor(Date.now() / WINDOW_MS) === windowAtStart)
      expect((await secsol.report(a, 'healthy')).status).toBe(429);
    expect((await secsol.report(b, 'healthy')).status).toBe(202);

    // Only accepted reports were stored.
    const stored = await app.ctx.redis.llen(app.ctx.keys.healthHistory(a.id));
    expect(stored).toBe(accepted.length);
  });

  it('keeps its counters under keys that expire with the window', async ({ app }) => {
    const counters = (await keysOf(app.ctx.redis, app.prefix)).filter((k) => k.includes(':rate:token:'));
    expect(counters.length).toBeGreaterThanOrEqual(2);
    for (const key of counters) {
      const ttl = await app.ctx.redis.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(WINDOW_MS);
      // Keyed by the token's hash, never the token itself.
      expect(key).toMatch(/:rate:token:[0-9a-f]{64}:\d+$/);
    }
  });
});
