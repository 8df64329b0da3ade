/**
 * Signing and sending requests the way Slack sends them to the app (PROTOCOL.md sections 1 to 4).
 *
 * - The signature is `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{raw body}`), computed over the exact bytes sent.
 * - Slash commands and interactivity are `application/x-www-form-urlencoded` with NO charset. Bolt compares
 *   the content type as an exact string, so adding a charset makes it answer 400.
 */
import { createHmac } from 'node:crypto';

/** `v0=<lowercase hex HMAC-SHA256(secret, "v0:{timestampSec}:{body}")>`, as Slack signs requests. */
export function signSlackRequest(body: string, timestampSec: number, secret: string): string {
  if (!Number.isInteger(timestampSec)) {
    throw new Error(
      `signSlackRequest: timestampSec must be an integer number of seconds, got ${timestampSec}`,
    );
  }
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestampSec}:${body}`, 'utf8');
  return `v0=${hmac.digest('hex')}`;
}

let triggerCounter = 0;

/** A fresh, unique trigger_id that looks like Slack's: `<digits>.<digits>.<32 hex>`. */
export function newTriggerId(): string {
  triggerCounter += 1;
  const hex = `${Date.now().toString(16)}${triggerCounter.toString(16)}`.padStart(32, '0').slice(-32);
  return `${Date.now()}${triggerCounter}.47445629121.${hex}`;
}

/**
 * The response_url used when a test gives none. It points at a local discard port, so an app that uses it
 * fails fast and never reaches the real hooks.slack.com. Pass `fake.newResponseUrl()` to record responses.
 */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/response/unset';

/**
 * Slash-command form body (`application/x-www-form-urlencoded`), with fields in Slack's order.
 * `fields` override the defaults. Fields not listed below (e.g. `enterprise_id`) are appended.
 * A field explicitly set to `undefined` keeps its default.
 */
export function slashCommandBody(fields: Partial<Record<string, string>> = {}): string {
  const defaults: Record<string, string> = {
    token: 'verification-token-test',
    team_id: 'T0TEST',
    team_domain: 'secsol-test',
    channel_id: 'C0CMD',
    channel_name: 'secops',
    user_id: 'U0USER',
    user_name: 'alice',
    command: '/secsol',
    text: '',
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: UNSET_RESPONSE_URL,
    trigger_id: newTriggerId(),
  };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(defaults)) {
    params.append(key, fields[key] ?? value);
  }
  for (const [key, value] of Object.entries(fields)) {
    if (!(key in defaults) && value !== undefined) params.append(key, value);
  }
  return params.toString();
}

/** Interactivity form body: the single field `payload=<URL-encoded JSON>`. */
export function interactivityBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SendSignedOptions {
  secret: string;
  /** Default `application/x-www-form-urlencoded`, exactly (no charset). Use `application/json` for events. */
  contentType?: string;
  /** Default: now, in whole seconds. */
  timestampSec?: number;
  /** Override the computed signature (for tests of bad signatures). */
  signature?: string;
  /** Extra headers; they win over the computed ones (e.g. `X-Slack-Retry-Num`). */
  headers?: Record<string, string>;
}

export interface SendSignedResult {
  status: number;
  text: string;
  /** Parsed body when it is valid JSON, otherwise undefined. */
  json?: unknown;
  headers: Headers;
  /** Milliseconds from sending to the complete response (for the 3-second ack deadline). */
  elapsedMs: number;
}

/** POST `body` to `url` signed like Slack, using global fetch. The body is sent byte for byte as signed. */
export async function sendSigned(
  url: string,
  body: string,
  opts: SendSignedOptions,
): Promise<SendSignedResult> {
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  const signature = opts.signature ?? signSlackRequest(body, timestampSec, opts.secret);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(timestampSec),
      'X-Slack-Signature': signature,
      ...opts.headers,
    },
    body,
    redirect: 'manual',
  });
  const text = await res.text();
  const elapsedMs = performance.now() - started;
  let json: unknown;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, text, json, headers: res.headers, elapsedMs };
}
