/**
 * Requests signed and encoded the way Slack sends them to the app, with the test workspace's defaults.
 * The signing and the bodies are secsol's own (src/slack/request-signing.ts, shared with `npm run slack`);
 * this adds the defaults the tests use and `sendSigned`, which reports what came back.
 */
import {
  SIGNATURE_HEADER,
  SLASH_COMMAND_FIELDS,
  type SlashCommandFields,
  signedHeaders,
  slashCommandBody as slackSlashCommandBody,
  newTriggerId as slackTriggerId,
} from '../../src/slack/request-signing.js';

export {
  interactivityBody,
  newTriggerId,
  signSlackRequest,
} from '../../src/slack/request-signing.js';

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
  const defaults: SlashCommandFields = {
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
    trigger_id: slackTriggerId(),
  };
  const known = new Set<string>(SLASH_COMMAND_FIELDS);
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (known.has(key)) defaults[key as keyof SlashCommandFields] = value;
    else extra[key] = value;
  }
  return slackSlashCommandBody(defaults, extra);
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
  const signed = signedHeaders(body, opts.secret, {
    timestampSec: opts.timestampSec,
    contentType: opts.contentType,
  });
  const headers = new Headers(signed);
  if (opts.signature !== undefined) headers.set(SIGNATURE_HEADER, opts.signature);
  // Header names are case-insensitive: an override replaces the computed header of the same name.
  for (const [name, value] of Object.entries(opts.headers ?? {})) headers.set(name, value);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers,
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
