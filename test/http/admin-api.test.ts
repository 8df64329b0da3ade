/**
 * The admin and enrollment APIs and the probes (docs/contract.md §6): create, list, inspect, rotate and
 * delete solutions; enroll, decide and collect the token once; health, readiness and metrics.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import type { Secsol } from '../harness/drivers.js';
import { secsolTest } from '../harness/fixtures.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest({ env: { SECSOL_EXPECTED_EVERY: '10m' } });

async function create(secsol: Secsol, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await secsol.admin('POST', '/api/v1/solutions', body);
  expect(res.status).toBe(201);
  expect(Object.keys(res.body).sort()).toEqual(['id', 'token']);
  return res.body as { id: string; token: string };
}

async function enroll(secsol: Secsol, name: string): Promise<string> {
  const res = await secsol.enrollmentApi('POST', '/api/v1/enroll', {
    name,
    vendor: 'CrowdStrike',
    family: 'edr',
  });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ enrollmentId: expect.stringMatching(/^enr-/), status: 'pending' });
  return res.body.enrollmentId as string;
}

const healthy = { status: 'healthy' };

describe('creating a solution', () => {
  it('answers 201 with its id and token, shown once, and stores its cadence', async ({ secsol }) => {
    const created = await create(secsol, {
      name: 'Azure WAF',
      vendor: 'Microsoft',
      family: 'waf',
      consoleUrl: 'https://portal.azure.com/#waf',
      expectedEvery: '90s',
      grace: '30s',
      alertChannel: 'C0WAFALERTS',
      owner: 'S0SECOPS',
    });
    expect(created.id).toBe('azure-waf');
    expect(created.token).toMatch(/^secsol_/);

    const got = await secsol.admin('GET', `/api/v1/solutions/${created.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: 'azure-waf',
      name: 'Azure WAF',
      family: 'waf',
      lifecycle: 'connected',
      expectedEvery: 90_000,
      grace: 30_000,
      alertChannel: 'C0WAFALERTS',
      owner: 'S0SECOPS',
      state: 'not_reported',
      flips: [],
    });
    expect(JSON.stringify(got.body)).not.toContain(created.token);
    expect(got.body.tokenHash).toBeUndefined();

    // The same name again is refused, naming the solution that has it (names are unique).
    const twin = await secsol.admin('POST', '/api/v1/solutions', { name: 'azure  waf', vendor: 'Microsoft' });
    expect(twin.status).toBe(409);
    expect(twin.body).toMatchObject({ error: 'secsol_conflict', existingId: created.id });
  });

  it.for([
    ['a bad duration', { expectedEvery: 'soon' }, 'expectedEvery'],
    ['a zero grace', { grace: '0s' }, 'grace'],
    ['a non-http console URL', { consoleUrl: 'javascript:alert(1)' }, 'consoleUrl'],
    ['a bad channel id', { alertChannel: '#general' }, 'alertChannel'],
    ['an unknown family', { family: 'antivirus' }, 'family'],
    ['an unknown field', { lifecycle: 'connected' }, '(body)'],
  ] as const)('refuses %s with 400 and the field path', async ([, extra, path], { secsol }) => {
    const res = await secsol.admin('POST', '/api/v1/solutions', { name: 'Refused', vendor: 'X', ...extra });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('secsol_invalid_request');
    expect(res.body.issues).toContainEqual(expect.objectContaining({ path }));
  });
});

describe('listing and inspecting solutions', () => {
  it('lists every solution, connected and discovered, with its state and timing', async ({ secsol }) => {
    const connected = await create(secsol, { name: 'List Connected', vendor: 'Palo Alto', family: 'ngfw' });
    expect((await secsol.postHealth(connected, healthy)).status).toBe(202);
    const ev = await secsol.postEvents(connected, { events: [{ severity: 'low', title: 'noise' }] });
    expect(ev.status).toBe(202);
    await enroll(secsol, 'List Discovered');

    const res = await secsol.admin('GET', '/api/v1/solutions');
    expect(res.status).toBe(200);
    const list = res.body.solutions as Record<string, unknown>[];
    for (const s of list) {
      for (const field of [
        'id',
        'lifecycle',
        'state',
        'reason',
        'lastHealthAt',
        'lastEventAt',
        'nextDueAt',
      ]) {
        expect(s, `${String(s.id)} has ${field}`).toHaveProperty(field);
      }
    }
    const c = list.find((s) => s.id === connected.id);
    expect(c).toMatchObject({
      lifecycle: 'connected',
      state: 'healthy',
      reason: expect.any(String),
      lastHealthAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastEventAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      nextDueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const d = list.find((s) => s.id === 'list-discovered');
    expect(d).toMatchObject({ lifecycle: 'discovered', lastHealthAt: null, lastEventAt: null });
    expect(JSON.stringify(res.body)).not.toContain(connected.token);
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages the list with a cursor, and lists one state from the read model', async ({ secsol }) => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await create(secsol, { name: `Paged ${i}`, vendor: 'V' }));
    const seen = new Set<string>();
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res = await secsol.admin('GET', `/api/v1/solutions?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      for (const s of res.body.solutions as { id: string }[]) seen.add(s.id);
      cursor = res.body.nextCursor as string | null;
      if (cursor === null) break;
    }
    for (const s of made) expect(seen).toContain(s.id);
    // Not yet reported: all three are in not_reported; one page of two, then the rest.
    const first = await secsol.admin('GET', '/api/v1/solutions?state=not_reported&limit=2');
    expect(first.status).toBe(200);
    const second = await secsol.admin(
      'GET',
      `/api/v1/solutions?state=not_reported&limit=100&cursor=${first.body.nextCursor}`,
    );
    const ids = [...first.body.solutions, ...second.body.solutions].map((s: { id: string }) => s.id);
    for (const s of made) expect(ids).toContain(s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.body.nextCursor).toBeNull();
    expect((await secsol.admin('GET', '/api/v1/solutions?state=bogus')).status).toBe(400);
    expect((await secsol.admin('GET', '/api/v1/solutions?state=healthy&cursor=12')).status).toBe(400);
  });

  it('answers 404 for an unknown solution and 400 for an invalid id', async ({ secsol }) => {
    const missing = await secsol.admin('GET', '/api/v1/solutions/no-such-solution');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'secsol_not_found', message: expect.any(String) });
    const bad = await secsol.admin('GET', '/api/v1/solutions/Not_An_Id');
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toContainEqual(expect.objectContaining({ path: 'id' }));
  });
});

describe('rotating and deleting', () => {
  it('rotates the token: the old one is refused at once, the new one works', async ({ secsol }) => {
    const s = await create(secsol, { name: 'Rotate Me', vendor: 'Rapid7' });
    expect((await secsol.postHealth(s, healthy)).status).toBe(202);
    const rotated = await secsol.admin('POST', `/api/v1/solutions/${s.id}/token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).toMatch(/^secsol_/);
    expect(rotated.body.token).not.toBe(s.token);
    expect((await secsol.postHealth(s, healthy)).status).toBe(401);
    expect((await secsol.postHealth({ id: s.id, token: rotated.body.token }, healthy)).status).toBe(202);
    expect((await secsol.admin('POST', '/api/v1/solutions/no-such-solution/token')).status).toBe(404);
  });

  it('deletes: 204, then 404, the token revoked and the solution gone from the list', async ({
    app,
    secsol,
  }) => {
    const s = await create(secsol, { name: 'Delete Me', vendor: 'Rapid7' });
    expect((await secsol.postHealth(s, healthy)).status).toBe(202);
    const deleted = await secsol.admin('DELETE', `/api/v1/solutions/${s.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await secsol.admin('GET', `/api/v1/solutions/${s.id}`)).status).toBe(404);
    expect((await secsol.admin('DELETE', `/api/v1/solutions/${s.id}`)).status).toBe(404);
    expect((await secsol.postHealth(s, healthy)).status).toBe(401);
    const list = (await secsol.admin('GET', '/api/v1/solutions')).body.solutions as { id: string }[];
    expect(list.map((x) => x.id)).not.toContain(s.id);
    const { redis, keys } = app.ctx;
    expect(await redis.zscore(keys.deadlines, s.id)).toBeNull();
    expect(await redis.exists(keys.healthHistory(s.id))).toBe(0);
  });
});

describe('enrollment', () => {
  it('approve: posts the request, decides once, and hands the token out exactly once', async ({ secsol }) => {
    const enrollmentId = await enroll(secsol, 'Enroll Approve');
    await secsol.approvalRequest(enrollmentId);
    expect((await secsol.enrollmentApi('GET', `/api/v1/enroll/${enrollmentId}`)).body).toEqual({
      status: 'pending',
    });
    const listed = (await secsol.admin('GET', '/api/v1/solutions')).body.solutions as {
      id: string;
      lifecycle: string;
    }[];
    expect(listed.find((s) => s.id === 'enroll-approve')?.lifecycle).toBe('discovered');

    const approved = await secsol.admin('POST', `/api/v1/enroll/${enrollmentId}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({ status: 'approved' });
    const again = await secsol.admin('POST', `/api/v1/enroll/${enrollmentId}/approve`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('secsol_conflict');
    expect((await secsol.admin('POST', `/api/v1/enroll/${enrollmentId}/deny`)).status).toBe(409);

    const first = await secsol.enrollmentApi('GET', `/api/v1/enroll/${enrollmentId}`);
    expect(first.body).toEqual({
      status: 'approved',
      solutionId: 'enroll-approve',
      token: expect.stringMatching(/^secsol_/),
    });
    const second = await secsol.enrollmentApi('GET', `/api/v1/enroll/${enrollmentId}`);
    expect(second.body).toEqual({ status: 'approved', solutionId: 'enroll-approve' });
    expect((await secsol.postHealth({ id: 'enroll-approve', token: first.body.token }, healthy)).status).toBe(
      202,
    );
    expect((await secsol.admin('GET', '/api/v1/solutions/enroll-approve')).body.lifecycle).toBe('connected');
  });

  it('deny: decides once and never issues a token', async ({ secsol }) => {
    const enrollmentId = await enroll(secsol, 'Enroll Deny');
    const denied = await secsol.admin('POST', `/api/v1/enroll/${enrollmentId}/deny`);
    expect(denied.status).toBe(200);
    expect(denied.body).toEqual({ status: 'denied' });
    expect((await secsol.admin('POST', `/api/v1/enroll/${enrollmentId}/approve`)).status).toBe(409);
    expect((await secsol.enrollmentApi('GET', `/api/v1/enroll/${enrollmentId}`)).body).toEqual({
      status: 'denied',
    });
    expect((await secsol.admin('GET', '/api/v1/solutions/enroll-deny')).body.lifecycle).toBe('dismissed');
  });

  it('answers 404 for an unknown or malformed enrollment id', async ({ secsol }) => {
    for (const id of [`enr-${randomUUID()}`, 'enr-not-a-uuid', 'whatever']) {
      expect((await secsol.admin('POST', `/api/v1/enroll/${id}/approve`)).status, id).toBe(404);
      expect((await secsol.admin('POST', `/api/v1/enroll/${id}/deny`)).status, id).toBe(404);
      expect((await secsol.enrollmentApi('GET', `/api/v1/enroll/${id}`)).status, id).toBe(404);
    }
  });

  it('validates the enrollment body', async ({ secsol }) => {
    const res = await secsol.enrollmentApi('POST', '/api/v1/enroll', {
      name: '',
      vendor: 'X',
      approved: true,
    });
    expect(res.status).toBe(400);
    const paths = (res.body.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['(body)', 'name']);
  });
});

describe('the probes', () => {
  it('/healthz answers 200, /readyz answers 200 once the worker has ticked', async ({ secsol }) => {
    const healthz = await secsol.api('GET', '/healthz');
    expect(healthz.status).toBe(200);
    expect(healthz.body).toEqual({ status: 'ok' });
    const ready = await waitUntil(
      async () => {
        const res = await secsol.api('GET', '/readyz');
        return res.status === 200 ? res : null;
      },
      { message: '/readyz answers 200' },
    );
    expect(ready.body).toMatchObject({ status: 'ready', checks: { redis: 'ok', evaluation: 'ok' } });
  });

  it('/metrics is Prometheus text with the outbox and request counters', async ({ secsol }) => {
    const res = await secsol.api('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^# HELP secsol_outbox_items /m);
    expect(res.text).toMatch(/^# TYPE secsol_outbox_items gauge$/m);
    expect(res.text).toMatch(/^secsol_outbox_items\{kind="flip"\} \d+$/m);
    expect(res.text).toMatch(/^# TYPE secsol_http_requests_total counter$/m);
    expect(res.text).toMatch(/^secsol_http_requests_total\{route="\/healthz",status="200"\} \d+$/m);
  });

  it('answers an unknown route with a 404 and a wrong method with a 405, in the error shape', async ({
    secsol,
  }) => {
    for (const [method, path, status, error] of [
      ['GET', '/nope', 404, 'secsol_not_found'],
      ['GET', '/api/v1', 404, 'secsol_not_found'],
      ['PUT', '/api/v1/solutions', 405, 'secsol_method_not_allowed'],
      ['GET', '/api/v1/solutions/x/health', 405, 'secsol_method_not_allowed'],
    ] as const) {
      const res = await secsol.admin(method, path);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.body).toEqual({ error, message: expect.any(String) });
    }
  });
});
