/**
 * Slack request authenticity and delivery semantics through the real `/slack/events` endpoint
 * (docs/reliability.md rows 1-6): only correctly signed, fresh, well-formed requests of a
 * bounded size reach a handler; Events API retries have one side effect; commands are acked within 3 s.
 */
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_BODY_LIMIT } from '../../src/slack/slack-app.js';
import { SIGNING_SECRET, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { keysOf } from '../harness/redis.js';
import {
  type SendSignedResult,
  sendSigned,
  signSlackRequest,
  slashCommandBody,
} from '../harness/slack-signer.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack;
let app: TestApp;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  fake = await FakeSlack.start();
  // No worker: its ticks would write keys, and these tests count keys to prove a request did nothing.
  app = await startApp(fake, { worker: false });
  fake.reset(); // the start-up auth.test
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await app?.close();
  await fake?.close();
});
afterEach(() => {
  expect(unhandled.splice(0)).toEqual([]);
  fake.reset();
});

const endpoint = () => `${app.url}/slack/events`;
const nowSec = () => Math.floor(Date.now() / 1000);
const keyCount = async () => (await keysOf(app.ctx.redis, app.prefix)).length;

function helpCommand(responseUrl: string): string {
  return slashCommandBody({ text: 'help', response_url: responseUrl });
}

/** How many answers a command produced: a non-empty ack body and posts to its response_url. */
function repliesTo(res: SendSignedResult, responseUrl: string): number {
  return (res.text.length > 0 ? 1 : 0) + fake.responsePosts(responseUrl).length;
}

/** A signed request that no listener needs (Bolt answers it itself): proves the endpoint still works. */
async function sendPing(): Promise<SendSignedResult> {
  const challenge = `ch-${Math.random().toString(36).slice(2)}`;
  const res = await sendSigned(
    endpoint(),
    JSON.stringify({ token: 'x', challenge, type: 'url_verification' }),
    {
      secret: SIGNING_SECRET,
      contentType: 'application/json',
    },
  );
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ challenge });
  return res;
}

function homeOpened(eventId: string, user: string) {
  return JSON.stringify({
    token: 'verification-token-test',
    team_id: 'T0TEST',
    api_app_id: 'A0TEST',
    event: { type: 'app_home_opened', user, channel: 'D1', tab: 'home', event_ts: `${nowSec()}.000100` },
    type: 'event_callback',
    event_id: eventId,
    event_time: nowSec(),
  });
}

interface RawResult {
  /** 0 when the connection was closed without an answer. */
  status: number;
  /** When the answer arrived. */
  elapsedMs: number;
  /** Body bytes written before the answer arrived. */
  sentBytes: number;
  /** When the server closed the connection; null if it was still open after 5 s. */
  closedAfterMs: number | null;
}

/**
 * A POST written chunk by chunk over node:http, so a test controls the pace and what Content-Length claims,
 * and sees the answer even when the server answers before the body is complete. Resolves once the
 * connection is closed (or 5 s passed).
 */
function rawPost(opts: {
  headers: Record<string, string>;
  chunk: Buffer;
  chunks: number;
  everyMs: number;
  /** Stop sending once answered (a careful client); otherwise send the whole body regardless. */
  stopOnAnswer: boolean;
}): Promise<RawResult> {
  const url = new URL(endpoint());
  const started = performance.now();
  return new Promise((resolve) => {
    let sentBytes = 0;
    let answered: Omit<RawResult, 'closedAfterMs'> | null = null;
    let writer: NodeJS.Timeout | undefined;
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: opts.headers,
      // A connection of its own: the point is what happens to it.
      agent: false,
    });
    const done = (closedAfterMs: number | null) => {
      clearTimeout(writer);
      clearTimeout(giveUp);
      resolve({
        ...(answered ?? { status: 0, elapsedMs: performance.now() - started, sentBytes }),
        closedAfterMs,
      });
      req.destroy();
    };
    const giveUp = setTimeout(() => done(null), 5000);
    req.on('response', (res) => {
      answered = { status: res.statusCode ?? 0, elapsedMs: performance.now() - started, sentBytes };
      res.resume();
    });
    // A write into a closed connection fails; what counts is the answer and when the connection closed.
    req.on('error', () => {});
    req.on('close', () => done(performance.now() - started));
    let written = 0;
    const writeNext = () => {
      if (req.destroyed || (answered && opts.stopOnAnswer)) return;
      if (written >= opts.chunks) {
        req.end();
        return;
      }
      written += 1;
      sentBytes += opts.chunk.length;
      req.write(opts.chunk);
      writer = setTimeout(writeNext, opts.everyMs);
    };
    writeNext();
  });
}

describe('when a request is not signed by Slack', () => {
  type Send = (body: string) => Promise<SendSignedResult>;
  const cases: [string, Send][] = [
    [
      'signed with the wrong secret',
      (body) => sendSigned(endpoint(), body, { secret: 'not-the-signing-secret' }),
    ],
    [
      'one body byte flipped after signing',
      (body) => {
        const ts = nowSec();
        const signature = signSlackRequest(body, ts, SIGNING_SECRET);
        const at = body.indexOf('text=help') + 'text='.length;
        const flipped = `${body.slice(0, at)}${String.fromCharCode(body.charCodeAt(at) ^ 1)}${body.slice(at + 1)}`;
        return sendSigned(endpoint(), flipped, { secret: SIGNING_SECRET, timestampSec: ts, signature });
      },
    ],
    [
      'no X-Slack-Signature',
      async (body) => {
        const started = performance.now();
        const res = await fetch(endpoint(), {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-slack-request-timestamp': String(nowSec()),
          },
          body,
        });
        return {
          status: res.status,
          text: await res.text(),
          headers: res.headers,
          elapsedMs: performance.now() - started,
        };
      },
    ],
    [
      'a non-numeric timestamp',
      (body) =>
        sendSigned(endpoint(), body, {
          secret: SIGNING_SECRET,
          headers: { 'X-Slack-Request-Timestamp': 'soon' },
        }),
    ],
    [
      'a v1= signature',
      (body) => {
        const ts = nowSec();
        const signature = signSlackRequest(body, ts, SIGNING_SECRET).replace(/^v0=/, 'v1=');
        return sendSigned(endpoint(), body, { secret: SIGNING_SECRET, timestampSec: ts, signature });
      },
    ],
    [
      'a timestamp 301 s old (a stale or replayed request)',
      (body) => sendSigned(endpoint(), body, { secret: SIGNING_SECRET, timestampSec: nowSec() - 301 }),
    ],
    [
      'a timestamp 10 min in the future',
      (body) => sendSigned(endpoint(), body, { secret: SIGNING_SECRET, timestampSec: nowSec() + 600 }),
    ],
  ];

  it.each(cases)('refuses a request with %s: 401, empty body, nothing done', async (_name, send) => {
    const keysBefore = await keyCount();
    const responseUrl = fake.newResponseUrl({ channel: 'C0CMD', user: 'U0USER' });
    const res = await send(helpCommand(responseUrl));
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    // The endpoint itself still works; the refused request never reached Bolt, so nothing of it is pending.
    await sendPing();
    expect(fake.calls).toEqual([]);
    expect(fake.responsePosts(responseUrl)).toEqual([]);
    expect(await keyCount()).toBe(keysBefore);
  });

  it('answers ssl_check=1 without a signature with 200 and runs no handler', async () => {
    const keysBefore = await keyCount();
    const res = await fetch(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=verification-token-test&command=%2Fsecsol&text=help',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(fake.calls).toEqual([]);
    expect(await keyCount()).toBe(keysBefore);
  });
});

describe('when a request is signed by Slack', () => {
  it('handles /secsol help once', async () => {
    const responseUrl = fake.newResponseUrl({ channel: 'C0CMD', user: 'U0USER' });
    const res = await sendSigned(endpoint(), helpCommand(responseUrl), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    await waitUntil(() => repliesTo(res, responseUrl) >= 1, { message: 'a reply to /secsol help' });
    // A second command answered means the first one's handler has had its turn: then count.
    const laterUrl = fake.newResponseUrl({ channel: 'C0CMD', user: 'U0USER' });
    const later = await sendSigned(endpoint(), helpCommand(laterUrl), { secret: SIGNING_SECRET });
    await waitUntil(() => repliesTo(later, laterUrl) >= 1);
    expect(repliesTo(res, responseUrl)).toBe(1);
    expect(fake.callsTo('chat.postEphemeral')).toEqual([]);
    expect(fake.invalid).toEqual([]);
  });

  it('acks /secsol help in under 3 s every time, even while Slack hangs', async () => {
    fake.script('users.info', ...Array.from({ length: 20 }, () => ({ hang: true as const })));
    fake.script('conversations.info', ...Array.from({ length: 20 }, () => ({ hang: true as const })));
    const elapsed: number[] = [];
    for (let i = 0; i < 20; i++) {
      const responseUrl = fake.newResponseUrl({ channel: 'C0CMD', user: 'U0USER' });
      const res = await sendSigned(endpoint(), helpCommand(responseUrl), { secret: SIGNING_SECRET });
      expect(res.status).toBe(200);
      elapsed.push(res.elapsedMs);
    }
    expect(Math.max(...elapsed)).toBeLessThan(3000);
  });
});

describe('when a request body is too large', () => {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const unsigned = () => ({
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(nowSec()),
    'x-slack-signature': 'v0=00',
  });

  it('answers a 5 MB body with 413 at once, while a valid request still gets 200 within 1 s', async () => {
    const big = rawPost({
      headers: { ...unsigned(), 'content-length': String(80 * chunk.length) },
      chunk,
      chunks: 80,
      everyMs: 1,
      stopOnAnswer: false,
    });
    const [tooBig, valid] = await Promise.all([big, sendPing()]);
    expect(tooBig.status).toBe(413);
    expect(tooBig.elapsedMs).toBeLessThan(2500);
    expect(tooBig.sentBytes).toBeLessThan(80 * chunk.length);
    expect(valid.elapsedMs).toBeLessThan(2500);
  });

  it('cuts slow chunked uploads at the limit on the bytes received, and stays responsive', async () => {
    const uploads = Array.from({ length: 5 }, () =>
      rawPost({
        headers: { ...unsigned(), 'transfer-encoding': 'chunked' },
        chunk,
        chunks: 64, // 4 MiB if nobody stopped it
        everyMs: 5,
        stopOnAnswer: true,
      }),
    );
    const valid = await sendPing();
    expect(valid.elapsedMs).toBeLessThan(2500);
    for (const upload of await Promise.all(uploads)) {
      expect(upload.status).toBe(413);
      // Answered once the limit was crossed, not after the whole 4 MiB; a client that then goes quiet
      // without finishing its body is cut off.
      expect(upload.sentBytes).toBeLessThan(SLACK_BODY_LIMIT + 512 * 1024);
      expect(upload.closedAfterMs).not.toBeNull();
      expect(upload.closedAfterMs).toBeLessThan(upload.elapsedMs + 3000);
    }
    expect(fake.calls).toEqual([]);
  });

  it('answers a slow oversized upload at once and cuts it off instead of reading it to the end', async () => {
    const { hostname, port } = new URL(endpoint());
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {}); // a reset is a way of being cut off too
    await once(socket, 'connect');
    let received = '';
    let answeredAfterMs = Number.POSITIVE_INFINITY;
    const started = performance.now();
    socket.on('data', (d: Buffer) => {
      answeredAfterMs = Math.min(answeredAfterMs, performance.now() - started);
      received += d.toString();
    });
    socket.write(
      'POST /slack/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
        `Content-Length: ${50 * 1024 * 1024}\r\nX-Slack-Request-Timestamp: ${nowSec()}\r\nX-Slack-Signature: v0=00\r\n\r\n`,
    );
    // About 64 KiB/s, for longer than the server is willing to wait.
    const trickle = setInterval(() => socket.writable && socket.write(Buffer.alloc(6 * 1024, 'a')), 100);
    // Not events.once: it rejects on the 'error' (a reset) that may come before 'close'.
    await new Promise<void>((resolve) => {
      const giveUp = setTimeout(resolve, 5000);
      socket.once('close', () => {
        clearTimeout(giveUp);
        resolve();
      });
    });
    clearInterval(trickle);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(answeredAfterMs).toBeLessThan(500);
    expect(performance.now() - started).toBeLessThan(3000);
    await sendPing();
  });

  it('reads no more than a lying Content-Length claims, and never answers 500', async () => {
    const lying = await rawPost({
      headers: { ...unsigned(), 'content-length': '100' },
      chunk,
      chunks: 32,
      everyMs: 5,
      stopOnAnswer: true,
    });
    // The 100 claimed bytes are the body (their signature is wrong) and the rest is not a request at all:
    // Node answers 400 and drops the connection, sometimes before the answer can be read.
    expect([0, 400, 401]).toContain(lying.status);
    expect(lying.closedAfterMs).not.toBeNull();
    expect(lying.sentBytes).toBeLessThan(SLACK_BODY_LIMIT);
    await sendPing();
    expect(fake.calls).toEqual([]);
  });
});

describe('when a signed request is malformed', () => {
  const cases: [string, string, string][] = [
    ['broken JSON in an event body', '{"type":"event_callback","event":', 'application/json'],
    ['a form whose payload= is not JSON', 'payload=%7Bnot-json', 'application/x-www-form-urlencoded'],
    [
      'Content-Type text/plain',
      JSON.stringify({ type: 'url_verification', challenge: 'c', token: 'x' }),
      'text/plain',
    ],
    [
      'a form sent with a charset',
      slashCommandBody({ text: 'help' }),
      'application/x-www-form-urlencoded; charset=utf-8',
    ],
  ];

  it.each(cases)(
    'answers %s with 400, runs nothing, and the next request succeeds',
    async (_n, body, contentType) => {
      const keysBefore = await keyCount();
      const res = await sendSigned(endpoint(), body, { secret: SIGNING_SECRET, contentType });
      expect(res.status).toBe(400);
      expect(res.text).toBe('');
      await sendPing();
      expect(fake.calls).toEqual([]);
      expect(await keyCount()).toBe(keysBefore);
    },
  );
});

describe('when Slack redelivers an event', () => {
  it('answers every retry with 200 at once and handles the event exactly once', async () => {
    const body = homeOpened('Ev123', 'U0HOME1');
    const deliver = (retryNum: number) =>
      sendSigned(endpoint(), body, {
        secret: SIGNING_SECRET,
        contentType: 'application/json',
        headers: { 'X-Slack-Retry-Num': String(retryNum), 'X-Slack-Retry-Reason': 'http_timeout' },
      });
    const results = [await deliver(0)];
    results.push(...(await Promise.all([deliver(1), deliver(2)])));
    results.push(await deliver(3));
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.elapsedMs).toBeLessThan(1000);
    }
    const seen = app.ctx.keys.slackEventSeen('Ev123');
    expect(await app.ctx.redis.exists(seen)).toBe(1);
    expect(await app.ctx.redis.ttl(seen)).toBeGreaterThan(0);

    // A later, different event is handled after any duplicate would have been: then count.
    const sentinel = await sendSigned(endpoint(), homeOpened('Ev124', 'U0HOME2'), {
      secret: SIGNING_SECRET,
      contentType: 'application/json',
    });
    expect(sentinel.status).toBe(200);
    await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0HOME2');
    expect(fake.callsTo('views.publish').filter((c) => c.args.user_id === 'U0HOME1')).toHaveLength(1);
  });
});
