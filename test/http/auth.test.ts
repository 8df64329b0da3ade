/**
 * Who may call the API (SPEC section 6; RELIABILITY 7.2 tests 15 and 16): every credential failure looks
 * the same, a token only opens its own solution, failures from one address are throttled, and no raw
 * secret is ever stored.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAILED_AUTH_LIMIT } from '../../src/http/auth.js';
import { hashesEqual, hashToken, newToken, secretsEqual } from '../../src/services/tokens.js';
import { Scripts } from '../../src/storage/scripts.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { ADMIN_TOKEN, call, ENROLLMENT_KEY, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { keysOf } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack;
let app: TestApp;
/** Every raw secret handed out in this file, to look for in Redis at the end. */
const issued: string[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await app?.close();
  await fake?.close();
});

async function createSolution(name: string): Promise<{ id: string; token: string }> {
  const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
    token: ADMIN_TOKEN,
    body: { name, vendor: 'Qualys' },
  });
  expect(res.status).toBe(201);
  issued.push(res.body.token);
  return res.body as { id: string; token: string };
}

/** A health POST with a raw Authorization header (or none). */
function postHealth(id: string, authorization: string | undefined, body: unknown = { status: 'healthy' }) {
  return fetch(`${app.url}/api/v1/solutions/${id}/health`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, text: await res.text(), headers: res.headers }));
}

/** What an attacker's request must never change. */
async function snapshot(id: string) {
  const { redis, keys } = app.ctx;
  return {
    solution: await redis.hgetall(keys.solution(id)),
    deadline: await redis.zscore(keys.deadlines, id),
    history: await redis.lrange(keys.healthHistory(id), 0, -1),
    flips: await redis.lrange(keys.solutionFlips(id), 0, -1),
  };
}

async function clearAuthFailures(): Promise<void> {
  const keys = (await keysOf(app.ctx.redis, app.prefix)).filter((k) => k.includes(':rate:auth-fail:'));
  if (keys.length > 0) await app.ctx.redis.del(...keys);
}

/** A request from another loopback address (the failure limit is per client address). */
function postHealthFrom(localAddress: string, id: string, token: string): Promise<number> {
  const body = JSON.stringify({ status: 'healthy' });
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.url}/api/v1/solutions/${id}/health`,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('when the credentials are missing or wrong', () => {
  it('answers 401 with a byte-identical body whatever the reason, and stores nothing', async () => {
    await clearAuthFailures();
    const a = await createSolution('Auth Target');
    const rotated = await call(`${app.url}/api/v1/solutions/${a.id}/token`, 'POST', { token: ADMIN_TOKEN });
    expect(rotated.status).toBe(200);
    expect(rotated.body.token).toMatch(/^secsol_/);
    issued.push(rotated.body.token);
    const gone = await createSolution('Auth Deleted');
    expect(
      (await call(`${app.url}/api/v1/solutions/${gone.id}`, 'DELETE', { token: ADMIN_TOKEN })).status,
    ).toBe(204);
    const before = await snapshot(a.id);

    const unknown = `secsol_${randomBytes(32).toString('base64url')}`;
    const cases: [string, string, string | undefined][] = [
      ['no token', a.id, undefined],
      ['an empty bearer', a.id, 'Bearer '],
      ['a short token', a.id, 'Bearer abc'],
      ['another scheme', a.id, `Basic ${Buffer.from('user:pass').toString('base64')}`],
      ['illegal characters', a.id, `Bearer ${a.token.slice(0, 20)}<script>`],
      ['an unknown token', a.id, `Bearer ${unknown}`],
      ['a token revoked by rotation', a.id, `Bearer ${a.token}`],
      ['a deleted solution token, its own path', gone.id, `Bearer ${gone.token}`],
      ['a deleted solution token, another path', a.id, `Bearer ${gone.token}`],
    ];
    const answers = [];
    for (const [name, id, authorization] of cases) {
      const res = await postHealth(id, authorization);
      answers.push({ name, status: res.status, text: res.text, type: res.headers.get('content-type') });
    }
    const first = answers[0];
    expect(first?.status).toBe(401);
    expect(JSON.parse(first?.text ?? '')).toEqual({
      error: 'secsol_unauthorized',
      message: expect.any(String),
    });
    for (const answer of answers) expect(answer, answer.name).toEqual({ ...first, name: answer.name });

    // The events endpoint and the admin API say it with the same bytes.
    const events = await fetch(`${app.url}/api/v1/solutions/${a.id}/events`, { method: 'POST' });
    expect(events.status).toBe(401);
    expect(await events.text()).toBe(first?.text);
    const adminWrong = await call(`${app.url}/api/v1/solutions`, 'GET', { token: `${ADMIN_TOKEN}x` });
    expect(adminWrong.status).toBe(401);
    expect(adminWrong.text).toBe(first?.text);

    expect(await snapshot(a.id)).toEqual(before);
    expect(await app.ctx.redis.exists(app.ctx.keys.solution(gone.id))).toBe(0);
  });

  it('looks a token up by its hash only', async () => {
    const spy = vi.spyOn(SolutionRepository.prototype, 'findByTokenHash');
    // A report checks its token inside the write script (one round trip): the script gets the hash only.
    const gated = vi.spyOn(Scripts.prototype, 'ingestHealth');
    const s = await createSolution('Hash Lookup');
    expect((await postHealth(s.id, `Bearer ${s.token}`)).status).toBe(202);
    expect(gated.mock.calls[0]?.[0].gate?.tokenHash).toBe(hashToken(s.token));
    expect(JSON.stringify(gated.mock.calls)).not.toContain(s.token);
    // The full check (a refused body, another solution's token) looks the hash up too.
    expect((await postHealth(s.id, `Bearer ${s.token}`, { status: 'bogus' })).status).toBe(400);
    expect(spy).toHaveBeenCalledWith(hashToken(s.token));
    for (const [arg] of spy.mock.calls) {
      expect(arg).toMatch(/^[0-9a-f]{64}$/);
      expect(arg).not.toContain(s.token);
    }
    spy.mockRestore();
    gated.mockRestore();
  });

  it('keeps the admin token, the enrollment key and solution tokens apart', async () => {
    const s = await createSolution('Keys Apart');
    expect((await call(`${app.url}/api/v1/solutions`, 'GET', { token: ENROLLMENT_KEY })).status).toBe(401);
    expect((await call(`${app.url}/api/v1/solutions`, 'GET', { token: s.token })).status).toBe(401);
    expect((await call(`${app.url}/api/v1/enroll`, 'POST', { token: ADMIN_TOKEN, body: {} })).status).toBe(
      401,
    );
    expect((await postHealth(s.id, `Bearer ${ADMIN_TOKEN}`)).status).toBe(401);
    expect((await call(`${app.url}/api/v1/solutions`, 'GET', { token: ADMIN_TOKEN })).status).toBe(200);
  });
});

describe("when a solution's token is used for another solution", () => {
  it("answers 403 and leaves the other solution's state, deadline and flips unchanged", async () => {
    const a = await createSolution('Owner A');
    const b = await createSolution('Victim B');
    expect((await postHealth(b.id, `Bearer ${b.token}`)).status).toBe(202);
    // Judged healthy by the worker first: from then on only the refused requests could change B.
    await waitUntil(
      async () => (await app.ctx.redis.hget(app.ctx.keys.solution(b.id), 'state')) === 'healthy',
    );
    const before = await snapshot(b.id);

    const inPath = await postHealth(b.id, `Bearer ${a.token}`, { status: 'unhealthy', message: 'pwned' });
    expect(inPath.status).toBe(403);
    expect(JSON.parse(inPath.text)).toEqual({ error: 'secsol_forbidden', message: expect.any(String) });
    const events = await call(`${app.url}/api/v1/solutions/${b.id}/events`, 'POST', {
      token: a.token,
      body: { events: [{ severity: 'critical', title: 'fake' }] },
    });
    expect(events.status).toBe(403);
    // Naming B in the body of A's own report is refused too (strict schema), and changes nothing.
    const inBody = await postHealth(a.id, `Bearer ${a.token}`, { status: 'unhealthy', solutionId: b.id });
    expect(inBody.status).toBe(400);

    expect(await snapshot(b.id)).toEqual(before);
    expect(await app.ctx.redis.llen(app.ctx.keys.events(b.id))).toBe(0);
  });
});

describe('when a token is issued', () => {
  it('begins with secsol_ and carries at least 128 random bits', async () => {
    const tokens = Array.from({ length: 50 }, () => newToken());
    for (const t of tokens) {
      expect(t).toMatch(/^secsol_[A-Za-z0-9_-]+$/);
      expect(Buffer.from(t.slice('secsol_'.length), 'base64url').length).toBeGreaterThanOrEqual(16);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    const s = await createSolution('Token Shape');
    expect(Buffer.from(s.token.slice('secsol_'.length), 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('is issued once through enrollment', async () => {
    const enrolled = await call(`${app.url}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'Enrolled Auth', vendor: 'Tenable' },
    });
    expect(enrolled.status).toBe(202);
    const id = enrolled.body.enrollmentId as string;
    expect(
      (await call(`${app.url}/api/v1/enroll/${id}/approve`, 'POST', { token: ADMIN_TOKEN })).status,
    ).toBe(200);
    const polled = await call(`${app.url}/api/v1/enroll/${id}`, 'GET', { token: ENROLLMENT_KEY });
    expect(polled.body.token).toMatch(/^secsol_/);
    issued.push(polled.body.token);
  });

  it('is stored only as a SHA-256 hash: a scan of Redis finds no raw secret', async () => {
    const { redis } = app.ctx;
    expect(issued.length).toBeGreaterThanOrEqual(5);
    const keys = await keysOf(redis, app.prefix);
    const values: string[] = [...keys];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'hash') values.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') values.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    const all = values.join('\n');
    for (const secret of [...issued, ADMIN_TOKEN, ENROLLMENT_KEY]) {
      expect(all.includes(secret), 'a raw secret is stored').toBe(false);
    }
    expect(all).not.toMatch(/secsol_[A-Za-z0-9_-]{40,}/);

    const tokenKeys = keys.filter((k) => k.startsWith(`${app.ctx.keys.prefix}:token:`));
    expect(tokenKeys.length).toBeGreaterThan(0);
    for (const k of tokenKeys) expect(k.slice(k.lastIndexOf(':') + 1)).toMatch(/^[0-9a-f]{64}$/);
    const ids = await redis.smembers(app.ctx.keys.solutions);
    for (const id of ids) {
      const hash = await redis.hget(app.ctx.keys.solution(id), 'tokenHash');
      if (hash !== null && hash !== '') expect(hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('when one address keeps failing', () => {
  it(`answers 429 with Retry-After after ${FAILED_AUTH_LIMIT} failures, and only to failures`, async () => {
    const s = await createSolution('Brute Force');
    await clearAuthFailures();
    const windowAtStart = Math.floor(Date.now() / 60_000);
    const statuses: number[] = [];
    let limited: { status: number; headers: Headers } | null = null;
    for (let i = 0; i < 3 * FAILED_AUTH_LIMIT && !limited; i++) {
      const res = await postHealth(s.id, `Bearer secsol_${randomBytes(32).toString('base64url')}`);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    const sameWindow = Math.floor(Date.now() / 60_000) === windowAtStart;
    const unauthorized = statuses.filter((x) => x === 401).length;
    if (sameWindow) expect(unauthorized).toBe(FAILED_AUTH_LIMIT);
    else expect(unauthorized).toBeLessThanOrEqual(2 * FAILED_AUTH_LIMIT);
    expect(limited?.status).toBe(429);
    const retryAfter = Number(limited?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Someone else's failures never lock out a valid credential from the same address (a reverse proxy
    // makes every client share one): the solution token and the admin token still work.
    expect((await postHealth(s.id, `Bearer ${s.token}`)).status).toBe(202);
    expect((await call(`${app.url}/api/v1/solutions`, 'GET', { token: ADMIN_TOKEN })).status).toBe(200);
    // Another address is not throttled for its own failures.
    expect(await postHealthFrom('127.0.0.2', s.id, 'secsol_not-a-real-token-at-all')).toBe(401);

    // The counters expire with their window.
    const counters = (await keysOf(app.ctx.redis, app.prefix)).filter((k) => k.includes(':rate:auth-fail:'));
    expect(counters.length).toBeGreaterThan(0);
    for (const k of counters) expect(await app.ctx.redis.pttl(k)).toBeGreaterThan(0);
    await clearAuthFailures();
  });

  it('throttles one wrong credential retried from many addresses, not other clients there', async () => {
    const s = await createSolution('Stale Token');
    await clearAuthFailures();
    const stale = `secsol_${randomBytes(32).toString('base64url')}`;
    const statuses: number[] = [];
    for (let i = 0; i < FAILED_AUTH_LIMIT + 5; i++) {
      statuses.push(await postHealthFrom(`127.0.0.${10 + (i % 5)}`, s.id, stale));
    }
    expect(statuses.slice(0, FAILED_AUTH_LIMIT).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(FAILED_AUTH_LIMIT).every((x) => x === 429)).toBe(true);
    // The same addresses with another wrong token: each address has failed only 7 times.
    expect(await postHealthFrom('127.0.0.10', s.id, `secsol_${randomBytes(32).toString('base64url')}`)).toBe(
      401,
    );
    expect(await postHealthFrom('127.0.0.11', s.id, s.token)).toBe(202);
    await clearAuthFailures();
  });
});

describe('behind a trusted reverse proxy (SECSOL_TRUSTED_PROXIES)', () => {
  let proxied: TestApp;
  beforeAll(async () => {
    proxied = await startApp(fake, {
      env: { SECSOL_EXPECTED_EVERY: '10m', SECSOL_TRUSTED_PROXIES: '127.0.0.1/32, ::1' },
    });
  });
  afterAll(async () => {
    await proxied?.close();
  });
  const viaProxy = (forwardedFor: string, token: string) =>
    fetch(`${proxied.url}/api/v1/solutions`, {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': forwardedFor },
    }).then((r) => r.status);

  it('counts failures per client named by the proxy, so one client cannot lock out the others', async () => {
    const attacker = '198.51.100.7';
    const statuses: number[] = [];
    for (let i = 0; i <= FAILED_AUTH_LIMIT; i++) {
      statuses.push(await viaProxy(attacker, `wrong-${randomBytes(12).toString('hex')}`));
    }
    expect(statuses.at(-1)).toBe(429);
    // Another client behind the same proxy fails on its own count; a forged left part of the header
    // does not move the attacker to a fresh address.
    expect(await viaProxy('203.0.113.9', `wrong-${randomBytes(12).toString('hex')}`)).toBe(401);
    expect(await viaProxy(`203.0.113.10, ${attacker}`, `wrong-${randomBytes(12).toString('hex')}`)).toBe(429);
    expect(await viaProxy(attacker, ADMIN_TOKEN)).toBe(200);
  });
});

describe('when an API has no secret configured', () => {
  it('answers 404 on the admin and enrollment APIs', async () => {
    const off = await startApp(fake, {
      worker: false,
      env: { SECSOL_ADMIN_TOKEN: '', SECSOL_ENROLLMENT_KEY: '' },
    });
    try {
      const enr = `enr-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`;
      const requests: [string, string, string][] = [
        ['GET', '/api/v1/solutions', ADMIN_TOKEN],
        ['POST', '/api/v1/solutions', ADMIN_TOKEN],
        ['GET', '/api/v1/solutions/some-id', ADMIN_TOKEN],
        ['DELETE', '/api/v1/solutions/some-id', ADMIN_TOKEN],
        ['POST', '/api/v1/solutions/some-id/token', ADMIN_TOKEN],
        ['POST', `/api/v1/enroll/${enr}/approve`, ADMIN_TOKEN],
        ['POST', '/api/v1/enroll', ENROLLMENT_KEY],
        ['GET', `/api/v1/enroll/${enr}`, ENROLLMENT_KEY],
      ];
      for (const [method, path, token] of requests) {
        const res = await call(`${off.url}${path}`, method, {
          token,
          body: method === 'POST' ? {} : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.body).toEqual({ error: expect.any(String), message: expect.any(String) });
      }
    } finally {
      await off.close();
    }
  });
});

describe('the constant-time comparisons', () => {
  it('hashesEqual: equal, unequal, different lengths and non-hex', () => {
    const h = hashToken('secsol_abc');
    expect(hashesEqual(h, hashToken('secsol_abc'))).toBe(true);
    expect(hashesEqual(h, hashToken('secsol_abd'))).toBe(false);
    expect(hashesEqual(h, h.slice(0, 62))).toBe(false);
    expect(hashesEqual(h, `${h}00`)).toBe(false);
    expect(hashesEqual('', '')).toBe(false);
    expect(hashesEqual('zz', 'zz')).toBe(false);
  });

  it('secretsEqual: equal, unequal, and different lengths without throwing', () => {
    expect(secretsEqual(ADMIN_TOKEN, ADMIN_TOKEN)).toBe(true);
    expect(secretsEqual(ADMIN_TOKEN, `${ADMIN_TOKEN.slice(0, -1)}X`)).toBe(false);
    expect(secretsEqual(ADMIN_TOKEN, ADMIN_TOKEN.slice(0, 5))).toBe(false);
    expect(secretsEqual(ADMIN_TOKEN, `${ADMIN_TOKEN}${'x'.repeat(1000)}`)).toBe(false);
    expect(secretsEqual('é', 'e\u0301')).toBe(false);
  });
});
