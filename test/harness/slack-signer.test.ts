import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactivityBody, sendSigned, signSlackRequest, slashCommandBody } from './slack-signer.js';

// Slack's documented example (PROTOCOL.md section 1).
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: 1531420618,
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

describe('signSlackRequest', () => {
  it("matches Slack's documented test vector", () => {
    expect(signSlackRequest(VECTOR.body, VECTOR.timestamp, VECTOR.secret)).toBe(VECTOR.signature);
  });

  it('changes when the body, timestamp or secret changes', () => {
    const base = signSlackRequest(VECTOR.body, VECTOR.timestamp, VECTOR.secret);
    expect(signSlackRequest(`${VECTOR.body}x`, VECTOR.timestamp, VECTOR.secret)).not.toBe(base);
    expect(signSlackRequest(VECTOR.body, VECTOR.timestamp + 1, VECTOR.secret)).not.toBe(base);
    expect(signSlackRequest(VECTOR.body, VECTOR.timestamp, `${VECTOR.secret}x`)).not.toBe(base);
  });

  it('refuses a non-integer timestamp (Slack sends whole seconds)', () => {
    expect(() => signSlackRequest('a=b', 1531420618.5, 's')).toThrow(/integer/);
  });
});

describe('slashCommandBody', () => {
  it('reproduces the wire encoding of the documented example from its fields', () => {
    const body = slashCommandBody({
      token: 'xyzz0WbapA4vBCDEFasx0q6G',
      team_id: 'T1DC2JH3J',
      team_domain: 'testteamnow',
      channel_id: 'G8PSS9T3V',
      channel_name: 'foobar',
      user_id: 'U2CERLKJA',
      user_name: 'roadrunner',
      command: '/webhook-collect',
      text: '',
      response_url: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    });
    // The example predates api_app_id / is_enterprise_install; everything else is byte-identical, in order.
    expect(body.replace('&api_app_id=A0TEST&is_enterprise_install=false', '')).toBe(VECTOR.body);
  });

  it('has sensible defaults and round-trips through querystring.parse (what Bolt uses)', () => {
    const fields = parseQuery(slashCommandBody({ text: 'status <@U123|bob> & more', enterprise_id: 'E1' }));
    expect(fields).toMatchObject({
      team_id: 'T0TEST',
      channel_id: 'C0CMD',
      command: '/secsol',
      text: 'status <@U123|bob> & more',
      api_app_id: 'A0TEST',
      is_enterprise_install: 'false',
      enterprise_id: 'E1',
    });
    expect(typeof fields.trigger_id).toBe('string');
    expect(fields.trigger_id).not.toBe(parseQuery(slashCommandBody()).trigger_id);
  });
});

describe('interactivityBody', () => {
  it('is a single payload field holding the JSON', () => {
    const payload = { type: 'block_actions', actions: [{ action_id: 'ack', value: 'a&b=c d%' }] };
    const body = interactivityBody(payload);
    expect(body.startsWith('payload=')).toBe(true);
    const parsed = parseQuery(body);
    expect(Object.keys(parsed)).toEqual(['payload']);
    expect(JSON.parse(parsed.payload as string)).toEqual(payload);
  });
});

describe('sendSigned', () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let url = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: true }));
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends the exact bytes, bare form content type and a verifiable signature', async () => {
    const body = slashCommandBody({ text: 'hello world' });
    const result = await sendSigned(url, body, { secret: 'shh' });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ echoed: true });
    const req = received.at(-1);
    expect(req?.body).toBe(body);
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const ts = Number(req?.headers['x-slack-request-timestamp']);
    expect(Number.isInteger(ts)).toBe(true);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(req?.headers['x-slack-signature']).toBe(signSlackRequest(body, ts, 'shh'));
  });

  it('honours timestamp, signature, content type and extra headers overrides', async () => {
    await sendSigned(url, '{"type":"event_callback"}', {
      secret: 'shh',
      timestampSec: 1_000,
      signature: 'v0=bad',
      contentType: 'application/json',
      headers: { 'X-Slack-Retry-Num': '1' },
    });
    const req = received.at(-1);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-slack-request-timestamp']).toBe('1000');
    expect(req?.headers['x-slack-signature']).toBe('v0=bad');
    expect(req?.headers['x-slack-retry-num']).toBe('1');
  });
});
