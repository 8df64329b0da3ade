/**
 * Maintenance windows through the admin API, the real Redis and two racing workers (docs/contract.md
 * §10.1): alerts of the covered solutions are held while flips are still recorded; at the window's end a
 * solution still bad gets exactly one alert, one that recovered inside the window none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ADMIN_TOKEN, ALERT_CHANNEL, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack, type SlackCall } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack;
let app: TestApp;
let second: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  const env = { SECSOL_EXPECTED_EVERY: '10m' };
  app = await startApp(fake, { env });
  // A second worker on the same Redis: both race on every window end.
  second = await startApp(fake, { env, prefix: app.prefix, web: false });
});
afterAll(async () => {
  await second?.close();
  await app?.close();
  await fake?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  call(`${app.url}${path}`, method, { token: ADMIN_TOKEN, body });

async function solution(name: string) {
  const created = await admin('POST', '/api/v1/solutions', { name, vendor: 'Qualys', family: 'va' });
  expect(created.status).toBe(201);
  const { id, token } = created.body as { id: string; token: string };
  const report = async (status: 'healthy' | 'unhealthy') => {
    const before = (await admin('GET', `/api/v1/solutions/${id}`)).body.flips.length as number;
    expect(
      (await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', { token, body: { status } })).status,
    ).toBe(202);
    await waitUntil(async () => (await admin('GET', `/api/v1/solutions/${id}`)).body.flips.length > before);
  };
  await report('healthy');
  return { id, report };
}

const alertsFor = (id: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' &&
  (c.args.metadata as { event_payload?: { solution_id?: string } } | undefined)?.event_payload
    ?.solution_id === id &&
  c.args.thread_ts === undefined;

async function settled(id: string) {
  const flips = new FlipRepository(app.ctx);
  await waitUntil(async () =>
    (await flips.recent(id, 10)).every((f) => f.delivery !== 'pending' && f.delivery !== 'sending'),
  );
}

describe('a maintenance window', () => {
  it('holds alerts, records flips, and releases one alert per still-bad solution when ended', async () => {
    const stillBad = await solution('Upgrade Scanner');
    const recovered = await solution('Flappy Scanner');
    const outside = await solution('Outside Scanner');

    const created = await admin('POST', '/api/v1/maintenance', {
      solutions: [stillBad.id, recovered.id],
      duration: '1h',
      reason: 'scanner upgrade <!channel>',
    });
    expect(created.status).toBe(201);
    const windowId = created.body.id as string;
    const [announcement] = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && String(c.args.text).includes(windowId),
    );
    expect(announcement?.args.channel).toBe(ALERT_CHANNEL);
    expect(JSON.stringify(announcement?.args.blocks)).not.toContain('<!channel>');

    const listed = await admin('GET', '/api/v1/maintenance');
    expect(listed.body.windows).toEqual([
      expect.objectContaining({ id: windowId, active: true, solutions: [stillBad.id, recovered.id] }),
    ]);

    await stillBad.report('unhealthy');
    await recovered.report('unhealthy');
    await recovered.report('healthy');
    await outside.report('unhealthy');
    await fake.waitFor(alertsFor(outside.id));
    await settled(stillBad.id);
    await settled(recovered.id);
    expect(fake.calls.filter(alertsFor(stillBad.id))).toHaveLength(0);
    expect(fake.calls.filter(alertsFor(recovered.id))).toHaveLength(0);
    // The flips are recorded as usual (held, not hidden).
    const flips = (await admin('GET', `/api/v1/solutions/${recovered.id}`)).body.flips;
    expect(flips.map((f: { to: string }) => f.to)).toEqual(['healthy', 'unhealthy', 'healthy']);

    expect((await admin('DELETE', `/api/v1/maintenance/${windowId}`)).status).toBe(204);
    const [release] = await fake.waitFor(alertsFor(stillBad.id));
    expect(String(release?.args.text)).toContain('Unhealthy');
    expect(JSON.stringify(release?.args.blocks)).toContain('after maintenance');
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.maintenanceEnds)) === 0);
    // Every release item was delivered: none is left waiting in its outbox.
    await waitUntil(
      async () => (await app.ctx.redis.zcard(app.ctx.keys.kindOutbox('maintenance-release'))) === 0,
    );
    expect(fake.calls.filter(alertsFor(stillBad.id))).toHaveLength(1);
    expect(fake.calls.filter(alertsFor(recovered.id))).toHaveLength(0);
    expect((await admin('GET', '/api/v1/maintenance')).body.windows).toEqual([]);
    expect((await admin('DELETE', `/api/v1/maintenance/${windowId}`)).status).toBe(409);
  });

  it('releases by itself at its end', async () => {
    const short = await solution('Short Window Scanner');
    const asked = Date.now();
    const created = await admin('POST', '/api/v1/maintenance', {
      solutions: [short.id],
      duration: '5s',
      reason: '',
    });
    expect(created.status).toBe(201);
    await short.report('unhealthy');
    await settled(short.id);
    // Held, not sent: judged inside the window. (Whether the release has gone out yet depends on how
    // long a loaded machine took to get here, so the count is checked after the end, not before.)
    const [flip] = await new FlipRepository(app.ctx).recent(short.id, 1);
    expect(flip?.delivery).toBe('held');
    const [release] = await fake.waitFor(alertsFor(short.id), { timeoutMs: 15_000 });
    expect(release?.at).toBeGreaterThanOrEqual(asked + 5_000);
    expect(JSON.stringify(release?.args.blocks)).toContain('after maintenance');
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.maintenanceEnds)) === 0);
    await waitUntil(
      async () => (await app.ctx.redis.zcard(app.ctx.keys.kindOutbox('maintenance-release'))) === 0,
    );
    expect(fake.calls.filter(alertsFor(short.id))).toHaveLength(1);
  });

  it('refuses invalid windows with field paths', async () => {
    const bad = await admin('POST', '/api/v1/maintenance', {
      solutions: 'all',
      cron: 'every night',
      timezone: 'Mars/Olympus',
      reason: 'x',
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['timezone']));
    const noEnd = await admin('POST', '/api/v1/maintenance', { solutions: 'all', reason: 'x' });
    expect(noEnd.body.issues).toEqual([expect.objectContaining({ path: 'end' })]);
    const unknown = await admin('POST', '/api/v1/maintenance', {
      solutions: ['nope'],
      duration: '1h',
      reason: '',
    });
    expect(unknown.status).toBe(404);
    const recurring = await admin('POST', '/api/v1/maintenance', {
      solutions: 'all',
      cron: '0 2 * * 6',
      duration: '2h',
      timezone: 'America/New_York',
      reason: 'weekly patching',
    });
    expect(recurring.status).toBe(201);
    const listed = await admin('GET', '/api/v1/maintenance');
    const w = listed.body.windows.find((x: { id: string }) => x.id === recurring.body.id);
    expect(w.next).toHaveLength(3);
    expect(w.cron).toBe('0 2 * * 6');
    expect((await admin('DELETE', `/api/v1/maintenance/${recurring.body.id}`)).status).toBe(204);
  });
});
