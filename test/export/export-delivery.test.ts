/**
 * Continuous export end to end: the real app (web + worker), solutions created through the admin API,
 * reports and events through the HTTP API, flips made by the real evaluator, and a local SIEM receiver
 * that verifies every request with `standardwebhooks` and misbehaves as each test scripts it.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportRepository } from '../../src/export/export-repository.js';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution, report, solutionDetail } from '../worker/helpers.js';
import { Receiver, SECRET } from './receiver.js';

let fake: FakeSlack;
let receiver: Receiver;
let app: TestApp | undefined;

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await receiver?.close();
  fake.reset();
});

async function start(extra: Record<string, string> = {}): Promise<TestApp> {
  receiver = await Receiver.start();
  app = await startApp(fake, {
    env: {
      SECSOL_EXPORT_URL: receiver.url,
      SECSOL_EXPORT_SECRET: SECRET,
      SECSOL_EXPORT_TIMEOUT: '1s',
      SECSOL_EXPORT_BACKOFF: '100ms',
      SECSOL_EXPECTED_EVERY: '1m',
      ...extra,
    },
  });
  return app;
}

async function sendEvents(a: TestApp, id: string, token: string, events: Record<string, unknown>[]) {
  const res = await call(`${a.url}/api/v1/solutions/${id}/events`, 'POST', { token, body: { events } });
  expect(res.status).toBe(202);
}

async function metric(a: TestApp, name: string): Promise<number> {
  const text = (await call(`${a.url}/metrics`, 'GET')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

async function exported(a: TestApp) {
  return {
    delivered: await metric(a, 'secsol_export_delivered_total'),
    failed: await metric(a, 'secsol_export_failed_total'),
    pending: await metric(a, 'secsol_export_pending'),
  };
}

/** What a delivered body stands for: the flip's states or the event's id. */
function label(body: { type: string; data: Record<string, string> }): string {
  return body.type === 'flip' ? `flip ${body.data.from}->${body.data.to}` : `event ${body.data.id}`;
}

describe('when the receiver fails for a while (5xx, 429, no answer) and then recovers', () => {
  it('delivers every flip and event once, in order, each retry with the same webhook-id', async () => {
    const a = await start();
    receiver.script = ({ n }) => {
      if (n === 1) return { status: 503 };
      if (n === 2) return { status: 500, body: 'boom' };
      if (n === 3) return { status: 429, headers: { 'retry-after': '1' } };
      if (n === 4) return { hang: true };
      return { status: 200 };
    };
    const s = await createSolution(a, 'Export WAF', { family: 'waf' });
    // Wait for the flips themselves (the API judges the state live, before the evaluator commits it).
    await report(a, s.id, s.token, 'healthy');
    await waitUntil(async () => (await solutionDetail(a, s.id)).flips[0]?.to === 'healthy');
    await sendEvents(a, s.id, s.token, [
      { id: 'e-info', severity: 'informational', title: 'Heartbeat' },
      { id: 'e-high', severity: 'high', title: 'SQL injection blocked', resource: 'app-gw-1' },
      { id: 'e-low', severity: 'low', title: 'Scan', properties: { port: 22 } },
    ]);
    await report(a, s.id, s.token, 'unhealthy');
    await waitUntil(async () => (await solutionDetail(a, s.id)).flips[0]?.to === 'unhealthy');

    await waitUntil(() => receiver.delivered().length === 5, { timeoutMs: 15_000 });
    await waitUntil(async () => (await exported(a)).pending === 0);
    expect(receiver.invalid).toEqual([]);
    expect(receiver.delivered().map((r) => label(r.body))).toEqual([
      'flip not_reported->healthy',
      'event e-info',
      'event e-high',
      'event e-low',
      'flip healthy->unhealthy',
    ]);
    expect([...receiver.deliveredCounts().values()]).toEqual([1, 1, 1, 1, 1]);
    for (const r of receiver.requests) {
      expect(r.body.id).toBe(r.webhookId);
      expect(r.body.solution).toEqual({
        id: s.id,
        name: 'Export WAF',
        vendor: 'Test vendor',
        family: 'waf',
        source: 'push',
      });
    }
    // The first message was tried five times, always under the same id and with the same body.
    const first = receiver.requests.filter((r) => r.webhookId === receiver.requests[0]?.webhookId);
    expect(first.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(first.map((r) => r.raw)).size).toBe(1);
    // 429 with Retry-After: 1 was honoured.
    const [third, fourth] = [receiver.requests[2], receiver.requests[3]];
    expect((fourth?.at ?? 0) - (third?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(await exported(a)).toEqual({ delivered: 5, failed: 0, pending: 0 });
  });
});

describe('when the receiver is down (connection refused) and comes back', () => {
  it('gets everything it missed, once each', async () => {
    const a = await start();
    await receiver.stop();
    const s = await createSolution(a, 'Export EDR');
    await sendEvents(a, s.id, s.token, [
      { id: 'a', severity: 'medium', title: 'A' },
      { id: 'b', severity: 'critical', title: 'B' },
    ]);
    const repo = new ExportRepository(a.ctx);
    const waiting = await waitUntil(async () => {
      const summary = await repo.summary();
      return summary.retrying > 0 ? summary : undefined;
    });
    expect(waiting).toMatchObject({ waiting: 2, lastError: 'ECONNREFUSED' });
    expect((await exported(a)).pending).toBe(2);

    await receiver.restart();
    await waitUntil(() => receiver.delivered().length === 2, { timeoutMs: 10_000 });
    await waitUntil(async () => (await exported(a)).pending === 0);
    expect(receiver.delivered().map((r) => label(r.body))).toEqual(['event a', 'event b']);
    expect([...receiver.deliveredCounts().values()]).toEqual([1, 1]);
    expect(receiver.invalid).toEqual([]);
  });
});

describe('when the receiver refuses a message (4xx) or redirects', () => {
  it('fails it, lists it with the failed deliveries, goes on, and sends it again when asked', async () => {
    const elsewhere = createServer((_req, res) => res.end('should never be reached'));
    let reachedElsewhere = 0;
    elsewhere.on('request', () => reachedElsewhere++);
    elsewhere.listen(0, '127.0.0.1');
    await once(elsewhere, 'listening');
    const elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
    try {
      const a = await start();
      let accepting = false;
      receiver.script = ({ body }) => {
        if (!accepting && body.data.title === 'reject me') return { status: 400, body: 'schema mismatch' };
        if (body.data.title === 'moved') return { status: 302, headers: { location: elsewhereUrl } };
        return { status: 200 };
      };
      const s = await createSolution(a, 'Export VA', { family: 'va' });
      await sendEvents(a, s.id, s.token, [
        { id: 'ok-1', severity: 'low', title: 'fine' },
        { id: 'bad', severity: 'low', title: 'reject me' },
        { id: 'away', severity: 'low', title: 'moved' },
        { id: 'ok-2', severity: 'low', title: 'fine too' },
      ]);
      await waitUntil(async () => {
        const m = await exported(a);
        return m.failed === 2 && m.pending === 0 && m.delivered === 2;
      });
      expect(receiver.delivered().map((r) => label(r.body))).toEqual(['event ok-1', 'event ok-2']);
      expect(reachedElsewhere).toBe(0);

      const idOf = (eventId: string) => receiver.requests.find((r) => r.body.data.id === eventId)?.webhookId;
      const failed = await call(`${a.url}/api/v1/deliveries/failed`, 'GET', { token: ADMIN_TOKEN });
      expect(failed.status).toBe(200);
      expect(failed.body.failures).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            itemId: idOf('bad'),
            kind: 'export',
            solutionId: s.id,
            error: 'HTTP 400: schema mismatch',
          }),
          expect.objectContaining({
            itemId: idOf('away'),
            kind: 'export',
            error: 'HTTP 302 (redirects are not followed)',
          }),
        ]),
      );

      // The receiver is fixed: the operator sends the refused message again, under the same id.
      accepting = true;
      const retried = await call(`${a.url}/api/v1/deliveries/${idOf('bad')}/retry`, 'POST', {
        token: ADMIN_TOKEN,
      });
      expect(retried.status).toBe(202);
      const again = await call(`${a.url}/api/v1/deliveries/${idOf('bad')}/retry`, 'POST', {
        token: ADMIN_TOKEN,
      });
      expect(again.status).toBe(404);
      await waitUntil(() => receiver.deliveredCounts().get(idOf('bad') as string) === 1);
      await waitUntil(async () => (await exported(a)).pending === 0);
      expect(await exported(a)).toEqual({ delivered: 3, failed: 2, pending: 0 });
      expect(receiver.invalid).toEqual([]);
    } finally {
      elsewhere.close();
    }
  });
});

describe('when the receiver keeps failing past SECSOL_EXPORT_RETRY_FOR', () => {
  it('gives up, counts and lists the message', async () => {
    const a = await start({ SECSOL_EXPORT_RETRY_FOR: '1s' });
    receiver.script = () => ({ status: 503 });
    const s = await createSolution(a, 'Export never');
    await sendEvents(a, s.id, s.token, [{ id: 'lost-cause', severity: 'high', title: 'x' }]);
    await waitUntil(async () => (await exported(a)).failed === 1, { timeoutMs: 10_000 });
    expect(receiver.requests.length).toBeGreaterThan(2);
    expect(new Set(receiver.requests.map((r) => r.webhookId)).size).toBe(1);
    const failed = await call(`${a.url}/api/v1/deliveries/failed`, 'GET', { token: ADMIN_TOKEN });
    expect(failed.body.failures[0]).toMatchObject({
      itemId: receiver.requests[0]?.webhookId,
      kind: 'export',
      error: expect.stringMatching(/^gave up after \d+ attempts over .*: HTTP 503$/),
    });
  });
});

describe('when several solutions export at once through a flaky receiver', () => {
  it('keeps each solution in order and sends nothing twice', async () => {
    const a = await start({ SECSOL_WORKER_CONCURRENCY: '4' });
    receiver.script = ({ n }) => (n % 3 === 0 ? { status: 502 } : { status: 200 });
    const solutions = await Promise.all(['One', 'Two', 'Three'].map((n) => createSolution(a, `Flaky ${n}`)));
    const sent = new Map<string, string[]>();
    for (let batch = 0; batch < 2; batch++) {
      await Promise.all(
        solutions.map(async (s) => {
          const events = [0, 1, 2].map((i) => ({ id: `${s.id}-${batch}-${i}`, severity: 'low', title: 't' }));
          await sendEvents(a, s.id, s.token, events);
          sent.set(s.id, [...(sent.get(s.id) ?? []), ...events.map((e) => e.id)]);
        }),
      );
    }
    await waitUntil(() => receiver.delivered().length === 18, { timeoutMs: 15_000 });
    await waitUntil(async () => (await exported(a)).pending === 0);
    for (const s of solutions) {
      const order = receiver
        .delivered()
        .filter((r) => r.body.solution.id === s.id)
        .map((r) => r.body.data.id);
      expect(order).toEqual(sent.get(s.id));
    }
    expect([...receiver.deliveredCounts().values()].every((n) => n === 1)).toBe(true);
    expect(receiver.invalid).toEqual([]);
  });
});
