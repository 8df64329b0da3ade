/**
 * Inputs that used to slip through or crash: bad percent-encoding, wrong methods, other charsets, keys and
 * numbers JSON allows but storage cannot keep, invisible characters in names, and slow clients.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../src/http/router.js';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';

let fake: FakeSlack;
let app: TestApp;
let solution: { id: string; token: string };

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
  const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
    token: ADMIN_TOKEN,
    body: { name: 'Input Gaps', vendor: 'Qualys' },
  });
  expect(res.status).toBe(201);
  solution = res.body;
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

const health = (body: unknown, contentType?: string) =>
  call(`${app.url}/api/v1/solutions/${solution.id}/health`, 'POST', {
    token: solution.token,
    raw: typeof body === 'string' ? body : JSON.stringify(body),
    contentType,
  });

describe('the router', () => {
  it('answers 400, not a 500 with a stack trace, for a path that is not valid percent-encoding', async () => {
    const res = await call(`${app.url}/api/v1/solutions/%ff/health`, 'POST', {
      token: solution.token,
      body: { status: 'healthy' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'secsol_invalid_request', message: expect.any(String) });
  });

  it('answers 405 with Allow for a method the endpoint does not take', async () => {
    const res = await call(`${app.url}/api/v1/solutions/${solution.id}/health`, 'GET', {
      token: solution.token,
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const list = await call(`${app.url}/api/v1/solutions`, 'PUT', { token: ADMIN_TOKEN });
    expect(list.status).toBe(405);
    expect(list.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
  });
});

describe('request bodies', () => {
  it('refuses a body in another charset with 415 instead of reading it as UTF-8', async () => {
    const res = await health({ status: 'healthy' }, 'application/json; charset=utf-16');
    expect(res.status).toBe(415);
    expect((await health({ status: 'healthy' }, 'application/json; charset=UTF-8')).status).toBe(202);
  });

  it('refuses a __proto__ key instead of dropping it silently with a 202', async () => {
    const res = await health('{"status":"healthy","details":{"__proto__":{"polluted":true}}}');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/__proto__/);
  });

  it('refuses a number too large to store instead of storing null', async () => {
    const res = await health('{"status":"healthy","details":{"size":1e400}}');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/number/);
  });
});

describe('invisible characters', () => {
  const bad = {
    'an ESC sequence': 'Scanner\u001b[2J',
    'a bidi override': 'Scanner\u202etxt.exe',
    'a zero-width space': 'Scan\u200bner',
    'a C1 control': 'Scanner\u009b',
    // Found by the input ledger (test/ledger/): a lone surrogate was stored as U+FFFD, a separator kept.
    'a lone surrogate': 'Scanner\ud800',
    'a line separator': 'Scan\u2028ner',
    'a paragraph separator': 'Scan\u2029ner',
    // Letters and symbols that show as nothing, or as each device likes.
    'a Hangul filler (shows blank)': '\u3164',
    'a blank Braille pattern': 'Scanner \u2800',
    'a private-use character': 'Scanner \ue000',
  };
  for (const [what, name] of Object.entries(bad)) {
    it(`refuses ${what} in a solution name and an event title`, async () => {
      const created = await call(`${app.url}/api/v1/solutions`, 'POST', {
        token: ADMIN_TOKEN,
        body: { name, vendor: 'Qualys' },
      });
      expect(created.status).toBe(400);
      expect(created.body.issues).toEqual([{ path: 'name', message: expect.stringMatching(/control/) }]);
      const events = await call(`${app.url}/api/v1/solutions/${solution.id}/events`, 'POST', {
        token: solution.token,
        body: { events: [{ severity: 'low', title: name }] },
      });
      expect(events.status).toBe(400);
      expect(events.body.issues[0].path).toBe('events.0.title');
    });
  }

  it('keeps line breaks and tabs in a report message, and refuses an ESC there', async () => {
    expect((await health({ status: 'healthy', message: 'line one\n\tline two' })).status).toBe(202);
    // Prose may carry what names may not: nobody picks a solution by its report message.
    expect((await health({ status: 'healthy', message: 'icon \ue000 \u3164' })).status).toBe(202);
    expect((await health({ status: 'healthy', message: 'ok\u001b[2J' })).status).toBe(400);
  });
});

describe('slow clients', () => {
  it('closes a connection whose headers never finish within the headers timeout, not 30 s later', async () => {
    const server = createHttpServer({
      router: new Router(),
      logger: createLogger('silent', 'test'),
      metrics: { requests: { inc: () => undefined } } as never,
      storageDown: () => false,
      draining: () => false,
      headersTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const started = Date.now();
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      let answer = '';
      socket.on('data', (d: Buffer) => {
        answer += d.toString();
      });
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      await new Promise((resolve) => socket.once('close', resolve));
      // The timeout is 1 s and Node checks every second: closed within about 2 s, not at 30 s.
      expect(Date.now() - started).toBeLessThan(4000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
