/** Availability through the admin API (docs/contract.md §10.3): from the flips the worker records. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

const admin = (method: string, path: string, body?: unknown) =>
  call(`${app.url}${path}`, method, { token: ADMIN_TOKEN, body });

describe('GET /api/v1/solutions/:id availability', () => {
  it('is null before any history, 1 while healthy, and falls when it goes unhealthy', async () => {
    const created = await admin('POST', '/api/v1/solutions', {
      name: 'Avail WAF',
      vendor: 'F5',
      family: 'waf',
    });
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };
    const get = async () => (await admin('GET', `/api/v1/solutions/${id}`)).body;
    expect((await get()).availability).toEqual({ '7d': null, '30d': null });

    const report = (status: string) =>
      call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', { token, body: { status } });
    expect((await report('healthy')).status).toBe(202);
    await waitUntil(async () => (await get()).flips.length === 1);
    const healthy = await get();
    expect(healthy.availability).toEqual({ '7d': 1, '30d': 1 });

    expect((await report('unhealthy')).status).toBe(202);
    await waitUntil(async () => (await get()).flips.length === 2);
    await waitUntil(async () => (await get()).availability['7d'] < 1);
    const { availability } = await get();
    expect(availability['7d']).toBeGreaterThanOrEqual(0);
    expect(availability['30d']).toBe(availability['7d']);
  });
});
