/**
 * RELIABILITY 27, the reconnect watchdog: every Redis connection dies silently at once (a TCP proxy stops
 * forwarding without closing anything, as a dropped NAT flow does). Redis itself is fine, so nothing ever
 * errors: without a watchdog the API answers 503 and the worker waits for good. Each connection's PING
 * goes unanswered, the connection is dropped and opened again, and the alert is posted exactly once.
 */
import { describe, expect, onTestFinished } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { REDIS_URL } from '../harness/redis.js';
import { TcpProxy } from '../harness/tcp-proxy.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest();

describe('when every Redis connection dies silently (no reset, no close)', () => {
  it('reconnects within seconds: the next report is accepted and alerted once', async ({
    startSecsol,
    fake,
  }) => {
    const target = new URL(REDIS_URL);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    onTestFinished(() => proxy.close());
    const secsol = await startSecsol({ env: { REDIS_URL: proxy.url, SECSOL_EXPECTED_EVERY: '10m' } });
    const s = await secsol.createSolution('Silent Link EDR');
    await secsol.becomeHealthy(s);

    expect(proxy.blackhole()).toBeGreaterThanOrEqual(3);
    const died = Date.now();
    // Reports fail fast (503) on the dead connection until it is replaced.
    await waitUntil(async () => (await secsol.report(s, 'unhealthy', 'sensor down')).status === 202, {
      timeoutMs: 20_000,
      message: 'a report is accepted again',
    });
    const alert = await secsol.alertFor(s.id, { timeoutMs: 20_000 });
    expect(JSON.stringify(alert.call.args.blocks)).toContain('sensor down');
    expect(Date.now() - died).toBeLessThan(20_000);
    const alerts = fake
      .messages(ALERT_CHANNEL)
      .filter((m) => !m.thread_ts && m.metadata?.event_payload.solution_id === s.id);
    expect(alerts).toHaveLength(1);
  });
});
