/**
 * The fake Slack's wire format: Web API arguments as @slack/web-api sends them (form-encoded with JSON
 * strings inside, or JSON), Slack's error bodies, message timestamps, and where refused calls are noted.
 */
import type { IncomingMessage } from 'node:http';

export type Json = Record<string, unknown>;

/** Where the fake notes what real Slack would refuse (`invalid`) or only warn about (`warnings`). */
export interface Problems {
  invalid: { method: string; errors: string[] }[];
  warnings: { method: string; warning: string }[];
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const JSON_FIELDS = ['blocks', 'view', 'metadata', 'attachments'] as const;

export interface ParsedArgs {
  args: Record<string, unknown>;
  error?: string;
  badJsonFields: string[];
  jsonWithoutCharset: boolean;
}

export function parseArgs(contentType: string | undefined, body: string, query: URLSearchParams): ParsedArgs {
  const args: Record<string, unknown> = {};
  for (const [k, v] of query) args[k] = v;
  const ct = (contentType ?? '').toLowerCase();
  let error: string | undefined;
  let jsonWithoutCharset = false;
  if (ct.startsWith('application/json')) {
    jsonWithoutCharset = !ct.includes('charset');
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (isObject(parsed)) Object.assign(args, parsed);
      else error = 'json_not_object';
    } catch {
      error = 'invalid_json';
    }
  } else if (ct.startsWith('multipart/')) {
    error = 'invalid_form_data'; // the fake does not implement uploads
  } else if (ct.startsWith('application/x-www-form-urlencoded') || ct === '') {
    for (const [k, v] of new URLSearchParams(body)) args[k] = v;
  } else {
    error = 'invalid_post_type';
  }
  const badJsonFields: string[] = [];
  for (const field of JSON_FIELDS) {
    const raw = args[field];
    if (typeof raw !== 'string') continue;
    try {
      args[field] = JSON.parse(raw);
    } catch {
      badJsonFields.push(field);
    }
  }
  return { args, badJsonFields, jsonWithoutCharset, ...(error ? { error } : {}) };
}

export function str(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}

export function tsToMicros(ts: string | undefined): number | undefined {
  if (ts === undefined) return undefined;
  const m = /^(\d+)(?:\.(\d{0,6}))?$/.exec(ts);
  if (!m) return undefined;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function err(error: string, extra: Json = {}): Json {
  return { ok: false, error, ...extra };
}

export function errorsResponse(error: string, errors: string[]): Json {
  return { ok: false, error, errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

/**
 * Why Slack would refuse the call's token, if it would: the token comes from `Authorization: Bearer …` or a
 * `token` field; the fake accepts `botToken` when given, otherwise any bot token (`xoxb-…`).
 */
export function authFailure(
  header: string | undefined,
  args: Record<string, unknown>,
  botToken: string | undefined,
): Json | undefined {
  let token: string | undefined;
  if (typeof header === 'string' && header.length > 0) {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) return err('invalid_auth');
    token = m[1];
  } else {
    token = str(args, 'token');
  }
  if (token === undefined) return err('not_authed');
  if (botToken !== undefined ? token !== botToken : !token.startsWith('xoxb-')) return err('invalid_auth');
  return undefined;
}
