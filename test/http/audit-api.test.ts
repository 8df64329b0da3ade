/** GET /api/v1/audit: the audit trail through the admin API, newest first, filtered and paged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';

let fake: FakeSlack;
let app: TestApp;
const ids: string[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
  for (const name of ['Audit One', 'Audit Two', 'Audit Three']) {
    const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name, vendor: 'F5' },
    });
    ids.push(res.body.id);
  }
  expect(
    (await call(`${app.url}/api/v1/solutions/${ids[1]}/token`, 'POST', { token: ADMIN_TOKEN })).status,
  ).toBe(200);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

const audit = (query = '') => call(`${app.url}/api/v1/audit${query}`, 'GET', { token: ADMIN_TOKEN });

describe('GET /api/v1/audit', () => {
  it('lists what happened, newest first, with who did it', async () => {
    const res = await audit();
    expect(res.status).toBe(200);
    const entries = res.body.entries as { solutionId?: string; actor: string; at: string; action: string }[];
    expect(entries.map((e) => e.solutionId)).toEqual([ids[1], ids[2], ids[1], ids[0]]);
    expect(entries.every((e) => e.actor === 'admin-api')).toBe(true);
    expect(Number.isNaN(Date.parse(entries[0]?.at ?? ''))).toBe(false);
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages with a cursor that stays right while new entries arrive', async () => {
    const first = await audit('?limit=2');
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    await call(`${app.url}/api/v1/solutions/${ids[0]}/token`, 'POST', { token: ADMIN_TOKEN });
    const second = await audit(`?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.entries.map((e: { solutionId: string }) => e.solutionId)).toEqual([ids[1], ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by solution and by actor', async () => {
    const one = await audit(`?solution=${ids[1]}`);
    expect(one.body.entries.map((e: { solutionId: string }) => e.solutionId)).toEqual([ids[1], ids[1]]);
    expect((await audit('?actor=slack:U0NOBODY')).body.entries).toEqual([]);
  });

  it('refuses bad parameters with 400 and answers 401 without the admin token', async () => {
    for (const q of ['?limit=0', '?limit=500', '?cursor=abc', '?solution=Not%20An%20Id', '?other=1']) {
      expect((await audit(q)).status, q).toBe(400);
    }
    expect((await call(`${app.url}/api/v1/audit`, 'GET', { token: 'wrong-token-value' })).status).toBe(401);
  });
});
