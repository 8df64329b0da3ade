/**
 * The ingestion API's contract (docs/contract.md §6; docs/reliability.md rows 17, 18, 20, 21): health reports
 * and security events through the real HTTP endpoint, validated strictly, deduplicated, bounded in size.
 */
import { request } from 'node:http';
import { describe, expect } from 'vitest';
import { API_BODY_LIMIT } from '../../src/http/body.js';
import { ALERT_CHANNEL, type TestApp } from '../harness/app.js';
import type { Secsol, SolutionRef } from '../harness/drivers.js';
import type { SlackCall } from '../harness/fake-slack.js';
import { secsolTest } from '../harness/fixtures.js';
import { keysOf } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';
import { storedState } from './stored-state.js';

// Every cadence long enough that no solution goes stale while a test looks at it.
const it = secsolTest({ env: { SECSOL_EVENT_MIN_SEVERITY: 'high', SECSOL_EXPECTED_EVERY: '10m' } });

const createSolution = (secsol: Secsol, name: string) => secsol.createSolution(name, { vendor: 'Rapid7' });
const healthRaw = (secsol: Secsol, s: SolutionRef, raw: string, contentType?: string) =>
  secsol.api('POST', `/api/v1/solutions/${s.id}/health`, { token: s.token, raw, contentType });

const eventBatchPosts = (id: string) => (c: SlackCall) => {
  const meta = c.args.metadata as { event_payload?: { delivery_id?: string } } | undefined;
  return c.method === 'chat.postMessage' && String(meta?.event_payload?.delivery_id).startsWith(`evb-${id}-`);
};

/** What a failed request must not change. */
const snapshot = (app: TestApp, id: string) => storedState(app, id, 'events');

const ECHO = 'ECHO-MARKER-7f3a';

function event(extra: Record<string, unknown> = {}) {
  return { severity: 'high', title: 'Port scan detected', ...extra };
}

describe('when a solution reports its health', () => {
  it('answers 202 and records the report', async ({ secsol }) => {
    const s = await createSolution(secsol, 'Health Basic');
    const res = await secsol.postHealth(s, {
      status: 'healthy',
      message: 'all good',
      details: { agents: 3 },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true, current: true });
    const detail = await secsol.admin('GET', `/api/v1/solutions/${s.id}`);
    expect(detail.body.state).toBe('healthy');
    expect(detail.body.lastHealthStatus).toBe('healthy');
  });
});

describe('when security events arrive', () => {
  it('answers 202 with the accepted and duplicate counts, storing an id seen twice only once', async ({
    app,
    fake,
    secsol,
  }) => {
    const s = await createSolution(secsol, 'Events Dedup');
    const first = await secsol.postEvents(s, { events: [event({ id: 'evt-1' })] });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: 1, duplicates: 0 });

    const again = await secsol.postEvents(s, { events: [event({ id: 'evt-1' })] });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });

    // The same id twice within one request counts once too.
    const inOne = await secsol.postEvents(s, { events: [event({ id: 'evt-2' }), event({ id: 'evt-2' })] });
    expect(inOne.body).toEqual({ accepted: 1, duplicates: 1 });

    expect(await app.ctx.redis.llen(app.ctx.keys.events(s.id))).toBe(2);
    // One message per accepted high-severity batch (evt-1, then evt-2); the duplicate posts nothing.
    await fake.waitFor(eventBatchPosts(s.id), { count: 2 });
    await waitUntil(async () => (await app.ctx.redis.zcard(app.ctx.keys.outbox)) === 0, {
      message: 'the outbox drains',
    });
    const posts = fake.calls.filter(eventBatchPosts(s.id));
    expect(posts).toHaveLength(2);
    expect(posts.every((p) => p.args.channel === ALERT_CHANNEL)).toBe(true);
    expect(JSON.stringify(posts[0]?.args.blocks)).toContain('evt-1');
  });

  it('posts nothing for events below SECSOL_EVENT_MIN_SEVERITY', async ({ app, secsol }) => {
    const s = await createSolution(secsol, 'Events Low');
    const res = await secsol.postEvents(s, {
      events: [event({ severity: 'medium' }), event({ severity: 'low', title: 'other' })],
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0 });
    // The batch for Slack is written before the 202: none written means none will ever be posted.
    const keys = await keysOf(app.ctx.redis, app.prefix);
    expect(keys.filter((k) => k.includes(`:event-batch:evb-${s.id}-`))).toEqual([]);
    const outbox = await app.ctx.redis.zrange(app.ctx.keys.outbox, '0', '-1');
    expect(outbox.filter((item) => item.startsWith(`evb-${s.id}-`))).toEqual([]);
  });

  it('accepts 1 and 500 events, refuses 0 and 501 with the field path', async ({ secsol }) => {
    const s = await createSolution(secsol, 'Events Bounds');
    expect((await secsol.postEvents(s, { events: [event({ severity: 'low' })] })).status).toBe(202);
    const many = Array.from({ length: 500 }, (_, i) => event({ id: `bulk-${i}`, severity: 'low' }));
    const ok = await secsol.postEvents(s, { events: many });
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ accepted: 500, duplicates: 0 });

    for (const list of [[], [...many, event({ id: 'bulk-500', severity: 'low' })]]) {
      const res = await secsol.postEvents(s, { events: list });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('secsol_invalid_request');
      expect(res.body.issues).toContainEqual(expect.objectContaining({ path: 'events' }));
    }
  });
});

describe('when the body does not follow the schema', () => {
  it('refuses unknown keys (approved, solutionId, callbackUrl) and names them', async ({ app, secsol }) => {
    const s = await createSolution(secsol, 'Strict Keys');
    const before = await snapshot(app, s.id);
    const res = await secsol.postHealth(s, {
      status: 'healthy',
      approved: true,
      solutionId: 'someone-else',
      callbackUrl: 'http://127.0.0.1:1/x',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('secsol_invalid_request');
    const unknown = (res.body.issues as { path: string; message: string }[]).find((i) =>
      i.message.startsWith('unknown field'),
    );
    expect(unknown?.message).toContain('approved');
    expect(unknown?.message).toContain('solutionId');
    expect(unknown?.message).toContain('callbackUrl');
    expect(res.text).not.toContain('127.0.0.1');

    const inEvent = await secsol.postEvents(s, { events: [event({ approved: true })] });
    expect(inEvent.status).toBe(400);
    // Unknown names are the client's text: listed, but shortened.
    const long = await secsol.postHealth(s, { status: 'healthy', [ECHO.repeat(30)]: 1 });
    expect(long.status).toBe(400);
    expect(long.text).not.toContain(ECHO.repeat(3));
    expect(inEvent.body.issues).toContainEqual({ path: 'events.0', message: 'unknown field(s): approved' });
    expect(await snapshot(app, s.id)).toEqual(before);
  });

  it.for([
    ['a message over 2000 characters', { status: 'healthy', message: ECHO.repeat(200) }, 'message'],
    ['observedAt that is not ISO 8601', { status: 'healthy', observedAt: `yesterday ${ECHO}` }, 'observedAt'],
    ['observedAt as an epoch number', { status: 'healthy', observedAt: 1_700_000_000_000 }, 'observedAt'],
    ['status as a number', { status: 1 }, 'status'],
    ['details as a string', { status: 'healthy', details: `{"a":"${ECHO}"}` }, 'details'],
    [
      'a details key over 200 characters',
      { status: 'healthy', details: { [ECHO.repeat(20)]: 1 } },
      'details',
    ],
    ['no body fields at all', {}, 'status'],
  ] as const)(
    'refuses %s with 400, the field path, and no echo of the input',
    async ([label, body, path], { app, secsol }) => {
      const s = await createSolution(secsol, `Schema ${label}`);
      const before = await snapshot(app, s.id);
      const res = await secsol.postHealth(s, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'secsol_invalid_request', message: expect.any(String) });
      const paths = (res.body.issues as { path: string }[]).map((i) => i.path);
      expect(paths.some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
      expect(res.text).not.toContain(ECHO);
      expect(res.text).not.toContain('yesterday');
      expect(await snapshot(app, s.id)).toEqual(before);
    },
  );

  it('refuses an event title over 500 characters and a bad event id, with their paths', async ({
    app,
    secsol,
  }) => {
    const s = await createSolution(secsol, 'Schema Events');
    const res = await secsol.postEvents(s, {
      events: [event({ id: 'fine' }), event({ title: ECHO.repeat(40), id: `bad id ${ECHO}` })],
    });
    expect(res.status).toBe(400);
    const paths = (res.body.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['events.1.id', 'events.1.title']);
    expect(res.text).not.toContain(ECHO);
    expect(await app.ctx.redis.llen(app.ctx.keys.events(s.id))).toBe(0);
  });

  it('refuses details nested 60 levels deep', async ({ secsol }) => {
    const s = await createSolution(secsol, 'Deep Nesting');
    let details: Record<string, unknown> = { leaf: ECHO };
    for (let i = 0; i < 60; i++) details = { nested: details };
    const res = await secsol.postHealth(s, { status: 'healthy', details });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('secsol_invalid_request');
    expect(res.text).not.toContain(ECHO);
  });

  it('refuses malformed JSON with 400 and text/plain with 415', async ({ app, secsol }) => {
    const s = await createSolution(secsol, 'Bad Json');
    const broken = await healthRaw(secsol, s, `{"status": "healthy", "message": "${ECHO}"`);
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ error: 'secsol_invalid_request', message: expect.any(String) });
    expect(broken.text).not.toContain(ECHO);

    const plain = await healthRaw(secsol, s, JSON.stringify({ status: 'healthy' }), 'text/plain');
    expect(plain.status).toBe(415);
    expect(plain.body.error).toBe('secsol_unsupported_media_type');
    expect(await app.ctx.redis.llen(app.ctx.keys.healthHistory(s.id))).toBe(0);
  });
});

describe('when the reported time is skewed', () => {
  it('refuses observedAt 10 minutes in the future and leaves the deadline and state alone', async ({
    app,
    secsol,
  }) => {
    const s = await createSolution(secsol, 'Future Time');
    // Healthy and judged so (the worker's flip is in): nothing but the refused report can change it now.
    await secsol.becomeHealthy(s);
    const before = await snapshot(app, s.id);
    const res = await secsol.postHealth(s, {
      status: 'unhealthy',
      observedAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toContainEqual(expect.objectContaining({ path: 'observedAt' }));
    expect(await snapshot(app, s.id)).toEqual(before);
  });

  it('keeps an older report in history without letting it change the status', async ({ app, secsol }) => {
    const s = await createSolution(secsol, 'Out Of Order');
    const t2 = new Date(Date.now() - 60_000).toISOString();
    const t1 = new Date(Date.now() - 120_000).toISOString();
    const newer = await secsol.postHealth(s, { status: 'unhealthy', message: 'disk full', observedAt: t2 });
    expect(newer.body).toEqual({ accepted: true, current: true });
    const older = await secsol.postHealth(s, { status: 'healthy', observedAt: t1 });
    expect(older.status).toBe(202);
    expect(older.body).toEqual({ accepted: true, current: false });

    const detail = await secsol.admin('GET', `/api/v1/solutions/${s.id}`);
    expect(detail.body.lastHealthStatus).toBe('unhealthy');
    expect(detail.body.state).toBe('unhealthy');
    const history = (await app.ctx.redis.lrange(app.ctx.keys.healthHistory(s.id), 0, -1)).map(
      (r) => JSON.parse(r) as { status: string; observedAt: number },
    );
    expect(history.map((h) => [h.status, h.observedAt])).toEqual([
      ['healthy', Date.parse(t1)],
      ['unhealthy', Date.parse(t2)],
    ]);
  });
});

/** A POST written by hand, to control the headers and the bytes actually sent. */
function rawPost(
  app: TestApp,
  path: string,
  headers: Record<string, string | number>,
  send: (write: (chunk: Buffer) => boolean, end: () => void, closed: () => boolean) => Promise<void>,
): Promise<{
  status: number;
  headers: Record<string, unknown>;
  body: string;
  sent: number;
  closed: () => boolean;
}> {
  const url = new URL(path, app.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let done = false;
    const req = request(url, { method: 'POST', headers, agent: false });
    let socketClosed = false;
    req.once('socket', (socket) => socket.once('close', () => (socketClosed = true)));
    req.on('error', () => {
      // EPIPE / ECONNRESET once the server hangs up on us: expected, the response already came.
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('end', () => {
        done = true;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          sent,
          closed: () => socketClosed,
        });
      });
    });
    send(
      (chunk) => {
        if (done || req.destroyed) return false;
        sent += chunk.length;
        return req.write(chunk);
      },
      () => {
        if (!req.destroyed) req.end();
      },
      () => done || req.destroyed,
    ).catch(reject);
  });
}

/** Paces an upload like a slow client (not a wait for a condition). */
const pace = () => new Promise<void>((r) => setTimeout(r, 1));

describe('when the body is too large', () => {
  it('answers 413 to limit + 1 bytes and closes the connection', async ({ app, secsol }) => {
    const s = await createSolution(secsol, 'Big Body');
    const body = Buffer.alloc(API_BODY_LIMIT + 1, 0x20);
    const res = await rawPost(
      app,
      `/api/v1/solutions/${s.id}/health`,
      {
        authorization: `Bearer ${s.token}`,
        'content-type': 'application/json',
        'content-length': body.length,
      },
      async (write, end) => {
        write(body);
        end();
      },
    );
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body)).toEqual({ error: 'secsol_payload_too_large', message: expect.any(String) });
    await waitUntil(res.closed, { timeoutMs: 2000, message: 'the server closes the connection' });
  });

  it('counts the bytes actually received when no length is declared, and answers before the upload ends', async ({
    app,
    secsol,
  }) => {
    const s = await createSolution(secsol, 'Chunked Body');
    const total = 4 * 1024 * 1024;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const upload = rawPost(
      app,
      `/api/v1/solutions/${s.id}/health`,
      {
        authorization: `Bearer ${s.token}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
      async (write, end, closed) => {
        for (let n = 0; n < total && !closed(); n += chunk.length) {
          write(chunk);
          await pace();
        }
        end();
      },
    );
    // The API keeps answering others while the oversized upload is in progress.
    const other = await createSolution(secsol, 'Concurrent');
    const started = Date.now();
    expect((await secsol.postHealth(other, { status: 'healthy' })).status).toBe(202);
    expect(Date.now() - started).toBeLessThan(2500);

    const res = await upload;
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(total);
    await waitUntil(res.closed, { timeoutMs: 2000, message: 'the server closes the connection' });
    expect(await app.ctx.redis.llen(app.ctx.keys.healthHistory(s.id))).toBe(0);
  });

  it('never takes more than the declared Content-Length as the body when a client sends more', async ({
    app,
    secsol,
  }) => {
    const s = await createSolution(secsol, 'Lying Length');
    // Claims 100 bytes, then streams 1 MiB: only the declared bytes are the body (not valid JSON on
    // their own), the rest is not a valid next request, and the connection is dropped.
    const body = Buffer.from(`{"status":"healthy","message":"${'x'.repeat(1024 * 1024)}"}`);
    const res = await rawPost(
      app,
      `/api/v1/solutions/${s.id}/health`,
      { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', 'content-length': 100 },
      async (write, end, closed) => {
        for (let i = 0; i < body.length && !closed(); i += 16 * 1024) {
          write(body.subarray(i, i + 16 * 1024));
          await pace();
        }
        end();
      },
    );
    // Either Node's HTTP parser (on the bytes after the declared body) or the JSON check answers first.
    expect(res.status).toBe(400);
    expect(res.sent).toBeLessThan(body.length);
    await waitUntil(res.closed, { timeoutMs: 2000, message: 'the server closes the connection' });
    expect(await app.ctx.redis.llen(app.ctx.keys.healthHistory(s.id))).toBe(0);
    // The server is fine afterwards.
    expect((await secsol.postHealth(s, { status: 'healthy' })).status).toBe(202);
  });
});
