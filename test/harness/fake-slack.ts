/**
 * A local fake of Slack's Web API and of response URLs, on node:http, for tests (PROTOCOL.md sections 5 to 9
 * and 11).
 *
 * - `POST /api/<method>`, form-encoded (what @slack/web-api sends; `blocks`, `view`, `metadata`, `attachments`
 *   arrive as JSON strings) or JSON. Token from `Authorization: Bearer …` or a `token` field. HTTP 200 for
 *   API errors.
 * - `POST /response/<id>`: response URLs handed out by `newResponseUrl()`. The JSON body is recorded.
 * - Block Kit is validated with the third-party schema in test/fixtures/slack (see its README). Refused calls
 *   are recorded in `invalid`, as are mention-safety bugs (`link_names`, `parse: 'full'`).
 * - `script()` injects failures (ok:false, 429, 5xx, hang, socket reset, delay, custom body).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ---------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------

export interface SlackCall {
  method: string;
  /** Parsed arguments. `blocks`, `view`, `metadata` and `attachments` are JSON-parsed when they arrive as strings. */
  args: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Date.now() when the request body had been read. */
  at: number;
  /** The body the fake answered with (undefined for `hang` and `reset`). */
  response: unknown;
  /** The HTTP status the fake answered with (0 for `hang` and `reset`). */
  status: number;
}

export type Scripted =
  | { ok: false; error: string }
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  | { hang: true }
  | { reset: true }
  | { delayMs: number }
  | { respond: (args: Record<string, unknown>) => unknown };

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface StoredMessage {
  ts: string;
  channel: string;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  reply_broadcast?: boolean;
  metadata?: MessageMetadata;
  /** U0BOT for messages the app posted. */
  user?: string;
  bot_id?: string;
  edited?: { user: string; ts: string };
}

export interface StoredEphemeral {
  message_ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
  /** Where it came from: chat.postEphemeral or a response URL. */
  via: 'chat.postEphemeral' | 'response_url';
}

export interface StoredView {
  id: string;
  type: string;
  hash: string;
  blocks: unknown[];
  external_id: string;
  /** Set for Home tabs (views.publish). */
  user_id?: string;
  [key: string]: unknown;
}

export interface ResponsePost {
  url: string;
  id: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON fields from what the app posted
  body: any;
  at: number;
  /** HTTP status the fake answered with. */
  status: number;
}

export interface ResponseUrlContext {
  /** Channel of the interaction; lets `response_type: 'in_channel'` post a message there. */
  channel?: string;
  /** The message holding the clicked button; lets `replace_original` / `delete_original` act on it. */
  messageTs?: string;
  /** The user who interacted (for ephemeral replies). */
  user?: string;
}

export interface FakeSlackOptions {
  /** Accept only this token. Default: any token starting with `xoxb-`. */
  botToken?: string;
}

export const FAKE_IDS = {
  teamId: 'T0TEST',
  team: 'secsol-test',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
  appId: 'A0TEST',
  botName: 'secsol',
  url: 'https://secsol-test.slack.com/',
} as const;

/** Slack's per-message block limit (chat.*, response URLs). The schema itself allows 100 (views). */
export const MAX_MESSAGE_BLOCKS = 50;
/** Slack truncates top-level text longer than this (with a `message_truncated` warning). */
export const MAX_MESSAGE_TEXT = 40_000;
/** Response URLs: at most this many uses (PROTOCOL.md section 5; the exact error is an assumption). */
export const MAX_RESPONSE_URL_USES = 5;

// ---------------------------------------------------------------------------------------------------------
// Block Kit validation (third-party schema, see test/fixtures/slack/README.md)
// ---------------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const SCHEMA_URL = new URL('../fixtures/slack/slack-block-kit.schema.json', import.meta.url);

interface Validators {
  blocks: ValidateFunction;
  modal: ValidateFunction;
  home: ValidateFunction;
}

let validators: Validators | undefined;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Add `discriminator: {propertyName: 'type'}` to every oneOf whose branches are all objects tagged by a unique
 * `type` const/enum. Same accepted set, but Ajv then reports only the errors of the matching branch.
 */
function addDiscriminators(schema: Json): void {
  const defs = isObject(schema.$defs) ? schema.$defs : {};
  const resolve = (s: unknown): unknown => {
    if (
      isObject(s) &&
      typeof s.$ref === 'string' &&
      s.$ref.startsWith('#/$defs/') &&
      Object.keys(s).length === 1
    ) {
      return defs[s.$ref.slice('#/$defs/'.length)];
    }
    return s;
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (!isObject(node)) return;
    if (Array.isArray(node.oneOf) && node.discriminator === undefined) {
      // A branch that is itself only a oneOf (e.g. text_object inside context_block_element) is flattened:
      // with unique tags, oneOf[A, oneOf[B, C]] accepts exactly what oneOf[A, B, C] accepts.
      const flat: unknown[] = node.oneOf.flatMap((branch: unknown) => {
        const r = resolve(branch);
        const onlyOneOf =
          isObject(r) &&
          Array.isArray(r.oneOf) &&
          Object.keys(r).every((k) => k === 'oneOf' || k === 'description' || k === 'discriminator');
        return onlyOneOf ? (r.oneOf as unknown[]) : [branch];
      });
      const tags: unknown[] = [];
      let ok = true;
      for (const branch of flat) {
        const r = resolve(branch);
        const props = isObject(r) && isObject(r.properties) ? r.properties : undefined;
        const typeSchema = props?.type;
        const required = isObject(r) && Array.isArray(r.required) ? r.required : [];
        if (!isObject(typeSchema) || !required.includes('type')) {
          ok = false;
          break;
        }
        if (typeof typeSchema.const === 'string') tags.push(typeSchema.const);
        else if (Array.isArray(typeSchema.enum)) tags.push(...typeSchema.enum);
        else {
          ok = false;
          break;
        }
      }
      if (ok && tags.every((t) => typeof t === 'string') && new Set(tags).size === tags.length) {
        node.oneOf = flat;
        node.discriminator = { propertyName: 'type' };
      }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'discriminator') walk(value);
    }
  };
  walk(schema);
}

type AddFormats = (ajv: Ajv2020) => unknown;

function getValidators(): Validators {
  if (validators) return validators;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Json;
  addDiscriminators(schema);
  const ajv = new Ajv2020({ allErrors: true, discriminator: true, strictTypes: false });
  // ajv-formats is CommonJS: depending on the loader the plugin is the module itself or its `default`.
  const mod = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
  (mod.default ?? mod)(ajv);
  ajv.addSchema(schema);
  const id = String(schema.$id);
  const get = (ref: string): ValidateFunction => {
    const v = ajv.getSchema(ref);
    if (!v) throw new Error(`Block Kit schema: cannot resolve ${ref}`);
    return v;
  };
  validators = {
    blocks: get(id),
    modal: get(`${id}#/$defs/modal_view`),
    home: get(`${id}#/$defs/home_view`),
  };
  return validators;
}

/** Ajv errors → Slack-style strings: `<message> [json-pointer:<prefix><path>]`. */
function formatAjvErrors(errors: ErrorObject[] | null | undefined, prefix: string): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    const p = e.params as Record<string, unknown>;
    let path = e.instancePath;
    let message = e.message ?? 'is invalid';
    switch (e.keyword) {
      case 'if':
        continue; // the matching `then` error is reported on its own
      case 'maxLength':
        message = `must be less than ${Number(p.limit) + 1} characters`;
        break;
      case 'minLength':
        message =
          Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${Number(p.limit)} characters`;
        break;
      case 'maxItems':
        message = `no more than ${Number(p.limit)} items allowed`;
        break;
      case 'minItems':
        message = `must have at least ${Number(p.limit)} items`;
        break;
      case 'required':
        message = `missing required field: ${String(p.missingProperty)}`;
        break;
      case 'additionalProperties':
        message = `invalid additional property: ${String(p.additionalProperty)}`;
        break;
      case 'oneOf':
      case 'anyOf':
        message = 'failed to match all allowed schemas';
        break;
      case 'discriminator':
        path += '/type';
        message =
          p.error === 'mapping' ? `unsupported type: ${inspect(p.tagValue)}` : 'missing required field: type';
        break;
      case 'const':
        message = `must be ${JSON.stringify(p.allowedValue)}`;
        break;
      case 'enum':
        message = `must be one of ${JSON.stringify(p.allowedValues)}`;
        break;
      case 'format':
        message = `must be a valid ${String(p.format)}`;
        break;
      default:
        break;
    }
    out.push(`${message} [json-pointer:${prefix}${path}]`);
  }
  return out;
}

/** block_id unique across the surface; action_id unique within a block (Slack refuses duplicates). */
function checkIds(blocks: unknown[], prefix: string): string[] {
  const out: string[] = [];
  const blockIds = new Map<string, number>();
  blocks.forEach((block, i) => {
    if (!isObject(block)) return;
    if (typeof block.block_id === 'string') {
      const first = blockIds.get(block.block_id);
      if (first !== undefined) {
        out.push(
          `duplicate block_id ${JSON.stringify(block.block_id)} (also at ${prefix}/${first}) [json-pointer:${prefix}/${i}/block_id]`,
        );
      } else blockIds.set(block.block_id, i);
    }
    const elements: [unknown, string][] = [];
    if (Array.isArray(block.elements)) {
      for (const [j, el] of block.elements.entries()) elements.push([el, `/elements/${j}`]);
    }
    if (block.accessory !== undefined) elements.push([block.accessory, '/accessory']);
    if (block.element !== undefined) elements.push([block.element, '/element']);
    const actionIds = new Set<string>();
    for (const [el, sub] of elements) {
      if (!isObject(el) || typeof el.action_id !== 'string') continue;
      if (actionIds.has(el.action_id)) {
        out.push(
          `duplicate action_id ${JSON.stringify(el.action_id)} in block [json-pointer:${prefix}/${i}${sub}/action_id]`,
        );
      }
      actionIds.add(el.action_id);
    }
  });
  return out;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Validate a message's `blocks` (chat.postMessage / chat.update / chat.postEphemeral / response URL) like Slack:
 * Block Kit schema, at most 50 blocks, unique block_ids. Returns `[]` when valid, otherwise Slack-style messages
 * ending in `[json-pointer:/blocks/…]`. An empty array is valid (chat.update uses it to remove blocks).
 */
export function validateMessageBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['must be an array [json-pointer:/blocks]'];
  if (blocks.length === 0) return [];
  const v = getValidators().blocks;
  let errors = v(blocks) ? [] : formatAjvErrors(v.errors, '/blocks');
  if (blocks.length > MAX_MESSAGE_BLOCKS) {
    errors = errors.filter((e) => !(e.startsWith('no more than') && e.endsWith('[json-pointer:/blocks]')));
    errors.unshift(`no more than ${MAX_MESSAGE_BLOCKS} items allowed [json-pointer:/blocks]`);
  }
  errors.push(...checkIds(blocks, '/blocks'));
  return dedupe(errors);
}

/**
 * Validate a `view` (views.open / push / update / publish): `#/$defs/modal_view` or `#/$defs/home_view` by its
 * `type` (at most 100 blocks, title/submit/close ≤ 24, …) plus unique block_ids. Returns `[]` when valid,
 * otherwise messages ending in `[json-pointer:/view/…]`.
 */
export function validateView(view: unknown): string[] {
  if (!isObject(view)) return ['must be an object [json-pointer:/view]'];
  const { modal, home } = getValidators();
  const v = view.type === 'modal' ? modal : view.type === 'home' ? home : undefined;
  if (!v) return [`unsupported view type: ${inspect(view.type)} [json-pointer:/view/type]`];
  const errors = v(view) ? [] : formatAjvErrors(v.errors, '/view');
  if (Array.isArray(view.blocks)) errors.push(...checkIds(view.blocks, '/view/blocks'));
  return dedupe(errors);
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

const JSON_FIELDS = ['blocks', 'view', 'metadata', 'attachments'] as const;

interface ParsedArgs {
  args: Record<string, unknown>;
  error?: string;
  badJsonFields: string[];
  jsonWithoutCharset: boolean;
}

function parseArgs(contentType: string | undefined, body: string, query: URLSearchParams): ParsedArgs {
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

function str(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === '1';
}

function tsToMicros(ts: string | undefined): number | undefined {
  if (ts === undefined) return undefined;
  const m = /^(\d+)(?:\.(\d{0,6}))?$/.exec(ts);
  if (!m) return undefined;
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function err(error: string, extra: Json = {}): Json {
  return { ok: false, error, ...extra };
}

function errorsResponse(error: string, errors: string[]): Json {
  return { ok: false, error, errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
  reset?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// FakeSlack
// ---------------------------------------------------------------------------------------------------------

export class FakeSlack {
  readonly apiUrl: string;
  readonly origin: string;
  /** Every Web API call, in arrival order (scripted failures included). */
  readonly calls: SlackCall[] = [];
  /** Every call the fake refused as invalid (blocks/view/limits), plus mention-safety bugs it let through. */
  readonly invalid: { method: string; errors: string[] }[] = [];
  /** Things real Slack or @slack/web-api only warn about (missing text fallback, truncation). */
  readonly warnings: { method: string; warning: string }[] = [];

  private readonly server: Server;
  private readonly botToken: string | undefined;
  private readonly scripts = new Map<string, Scripted[]>();
  private readonly waiters = new Set<() => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private store: StoredMessage[] = [];
  private ephemeralStore: StoredEphemeral[] = [];
  private viewStore = new Map<string, StoredView>();
  private posts: ResponsePost[] = [];
  private readonly responseContexts = new Map<string, ResponseUrlContext>();
  private readonly usergroups = new Map<string, string[]>();
  private readonly users = new Map<string, Json | null>();
  private readonly channels = new Map<string, Json | null>();
  private lastTsMicros = 0;
  private seq = 0;
  private closed = false;

  private constructor(server: Server, port: number, opts: FakeSlackOptions) {
    this.server = server;
    this.origin = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.origin}/api/`;
    this.botToken = opts.botToken;
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    getValidators(); // compile the schema up front so the first call is not slow
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const fake = new FakeSlack(server, (server.address() as AddressInfo).port, opts);
    server.on('request', (req, res) => {
      fake.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`fake-slack internal error: ${e instanceof Error ? e.stack : String(e)}`);
        }
      });
    });
    return fake;
  }

  // ---- inspection -------------------------------------------------------------------------------------

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Resolves with all matching calls once at least `count` (default 1) have been recorded. Calls are recorded
   * (and their effects, e.g. a stored message, applied) when they arrive, before the HTTP answer is sent.
   * Rejects after `timeoutMs` (default 10 s) with the list of recorded calls.
   */
  waitFor(
    pred: (c: SlackCall) => boolean,
    opts: { timeoutMs?: number; count?: number } = {},
  ): Promise<SlackCall[]> {
    const count = opts.count ?? 1;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const matching = (): SlackCall[] =>
      this.calls.filter((c) => {
        try {
          return pred(c);
        } catch {
          return false;
        }
      });
    return new Promise((resolve, reject) => {
      const now = matching();
      if (now.length >= count) {
        resolve(now);
        return;
      }
      const waiter = (): void => {
        const m = matching();
        if (m.length >= count) {
          cleanup();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const got = matching().length;
        reject(
          new Error(
            `FakeSlack.waitFor timed out after ${timeoutMs} ms: wanted ${count} matching call(s), got ${got}.\n` +
              `predicate: ${pred.toString().slice(0, 300)}\n${this.describeCalls()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** A one-line-per-call summary of what was recorded (used in timeout errors). */
  describeCalls(limit = 40): string {
    if (this.calls.length === 0) return 'Recorded calls: none';
    const shown = this.calls.slice(-limit);
    const lines = shown.map((c, i) => {
      const r = c.response as Json | undefined;
      const result =
        c.status === 0 ? 'no answer' : isObject(r) ? (r.ok ? 'ok' : String(r.error)) : 'non-JSON';
      const where = typeof c.args.channel === 'string' ? ` channel=${c.args.channel}` : '';
      return `  ${this.calls.length - shown.length + i + 1}. ${c.method}${where} → ${c.status} ${result}`;
    });
    return `Recorded calls (${this.calls.length}):\n${lines.join('\n')}`;
  }

  /** Messages currently in a channel (after updates and deletes), oldest first, thread replies included. */
  messages(channel: string): StoredMessage[] {
    return this.sortedChannel(channel).map(clone);
  }

  /** Ephemeral messages (chat.postEphemeral and ephemeral response-URL replies), oldest first. */
  ephemerals(channel?: string): StoredEphemeral[] {
    return this.ephemeralStore.filter((e) => channel === undefined || e.channel === channel).map(clone);
  }

  /** All views opened, pushed or published, by id. */
  views(): StoredView[] {
    return [...this.viewStore.values()].map(clone);
  }

  view(id: string): StoredView | undefined {
    const v = this.viewStore.get(id);
    return v ? clone(v) : undefined;
  }

  homeView(userId: string): StoredView | undefined {
    const v = [...this.viewStore.values()].find((x) => x.type === 'home' && x.user_id === userId);
    return v ? clone(v) : undefined;
  }

  // ---- configuration ----------------------------------------------------------------------------------

  /** Queue scripted answers for `method`; one is used per call, in order, then normal behaviour resumes. */
  script(method: string, ...responses: Scripted[]): void {
    const queue = this.scripts.get(method) ?? [];
    queue.push(...responses);
    this.scripts.set(method, queue);
  }

  setUsergroup(id: string, users: string[]): void {
    this.usergroups.set(id, [...users]);
  }

  /** Override fields of users.info for `id` (merged over the default user; `profile` merged too). null = not found. */
  setUser(id: string, user: Json | null): void {
    this.users.set(id, user);
  }

  /** Override fields of conversations.info for `id`. null = channel_not_found. */
  setChannel(id: string, channel: Json | null): void {
    this.channels.set(id, channel);
  }

  /** Seed a message (e.g. one a human wrote, or one from a previous app run). Default user U0USER. */
  injectMessage(msg: Partial<StoredMessage> & { channel: string }): StoredMessage {
    const stored: StoredMessage = {
      text: '',
      ...(msg.bot_id === undefined ? { user: 'U0USER' } : {}),
      ...clone(msg),
      ts: msg.ts ?? this.nextTs(),
    };
    this.store.push(stored);
    return clone(stored);
  }

  /** A response URL on this fake. POSTs to it are recorded; `ctx` lets replace/delete/in_channel take effect. */
  newResponseUrl(ctx: ResponseUrlContext = {}): string {
    this.seq += 1;
    const id = `R${String(this.seq).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;
    this.responseContexts.set(id, { ...ctx });
    return `${this.origin}/response/${id}`;
  }

  /** POSTs to response URLs, oldest first; filter by full URL or by id. */
  responsePosts(urlOrId?: string): ResponsePost[] {
    if (urlOrId === undefined) return this.posts.map(clone);
    const id = urlOrId.includes('/') ? urlOrId.slice(urlOrId.lastIndexOf('/') + 1) : urlOrId;
    return this.posts.filter((p) => p.id === id).map(clone);
  }

  /** Forget calls, scripts, messages, ephemerals, views, response posts, invalid and warnings. Users, channels
   * and usergroups set by the test are kept. Arrays keep their identity. */
  reset(): void {
    this.calls.length = 0;
    this.invalid.length = 0;
    this.warnings.length = 0;
    this.scripts.clear();
    this.store = [];
    this.ephemeralStore = [];
    this.viewStore.clear();
    this.posts = [];
    this.responseContexts.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/')) {
      this.handleApi(req, res, url, body);
    } else if (url.pathname.startsWith('/response/')) {
      this.handleResponseUrl(req, res, url, body);
    } else {
      this.send(res, { status: 404, body: { ok: false, error: 'not_found' } });
    }
  }

  private send(res: ServerResponse, outcome: Outcome): void {
    const write = (): void => {
      if (res.destroyed) return;
      const isText = typeof outcome.body === 'string';
      res.writeHead(outcome.status, {
        'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        ...outcome.headers,
      });
      res.end(isText ? (outcome.body as string) : JSON.stringify(outcome.body));
    };
    if (outcome.delayMs !== undefined && outcome.delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        write();
      }, outcome.delayMs);
      this.timers.add(t);
    } else {
      write();
    }
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const parsed = parseArgs(req.headers['content-type'], body, url.searchParams);
    const call: SlackCall = {
      method,
      args: parsed.args,
      headers: { ...req.headers },
      at: Date.now(),
      response: undefined,
      status: 0,
    };
    this.calls.push(call);
    const outcome = this.outcomeFor(method, parsed, req);
    call.status = outcome.hang || outcome.reset ? 0 : outcome.status;
    call.response = outcome.hang || outcome.reset ? undefined : outcome.body;
    this.notify();
    if (outcome.reset) {
      req.socket.destroy();
      return;
    }
    if (outcome.hang) return; // answered never; close() destroys the socket
    this.send(res, outcome);
  }

  private outcomeFor(method: string, parsed: ParsedArgs, req: IncomingMessage): Outcome {
    const scripted = this.scripts.get(method)?.shift();
    if (scripted !== undefined) {
      if ('hang' in scripted) return { status: 0, body: undefined, hang: true };
      if ('reset' in scripted) return { status: 0, body: undefined, reset: true };
      if ('respond' in scripted) {
        try {
          return { status: 200, body: scripted.respond(parsed.args) };
        } catch (e) {
          return {
            status: 500,
            body: `scripted respond() threw: ${e instanceof Error ? e.message : String(e)}`,
          };
        }
      }
      if ('ok' in scripted) return { status: 200, body: err(scripted.error) };
      if ('status' in scripted && scripted.status === 429) {
        return {
          status: 429,
          body: err('ratelimited'),
          headers: { 'retry-after': String(scripted.retryAfter) },
        };
      }
      if ('status' in scripted) {
        return { status: scripted.status, body: `scripted HTTP ${scripted.status} from fake Slack` };
      }
      if ('delayMs' in scripted) {
        return { status: 200, body: this.dispatch(method, parsed, req), delayMs: scripted.delayMs };
      }
    }
    return { status: 200, body: this.dispatch(method, parsed, req) };
  }

  private authError(parsed: ParsedArgs, req: IncomingMessage): Json | undefined {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (typeof header === 'string' && header.length > 0) {
      const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!m) return err('invalid_auth');
      token = m[1];
    } else {
      token = str(parsed.args, 'token');
    }
    if (token === undefined) return err('not_authed');
    if (this.botToken !== undefined ? token !== this.botToken : !token.startsWith('xoxb-'))
      return err('invalid_auth');
    return undefined;
  }

  private dispatch(method: string, parsed: ParsedArgs, req: IncomingMessage): Json {
    const handler = this.handlers[method];
    if (!handler) return err('unknown_method', { req_method: method });
    if (parsed.error) return err(parsed.error);
    const authError = this.authError(parsed, req);
    if (authError) return authError;
    for (const field of parsed.badJsonFields) {
      const error =
        field === 'blocks'
          ? 'invalid_blocks_format'
          : field === 'view'
            ? 'invalid_arguments'
            : field === 'metadata'
              ? 'invalid_metadata_format'
              : 'invalid_attachments';
      this.invalid.push({ method, errors: [`${field} is not valid JSON [json-pointer:/${field}]`] });
      return err(error);
    }
    const result = handler(parsed.args);
    if (parsed.jsonWithoutCharset && result.ok === true) {
      return { ...result, warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } };
    }
    return result;
  }

  private readonly handlers: Record<string, (args: Json) => Json> = {
    'auth.test': () => ({
      ok: true,
      url: FAKE_IDS.url,
      team: FAKE_IDS.team,
      user: FAKE_IDS.botName,
      team_id: FAKE_IDS.teamId,
      user_id: FAKE_IDS.botUserId,
      bot_id: FAKE_IDS.botId,
      app_id: FAKE_IDS.appId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (a) => this.chatPostMessage(a),
    'chat.update': (a) => this.chatUpdate(a),
    'chat.postEphemeral': (a) => this.chatPostEphemeral(a),
    'conversations.history': (a) => this.conversationsHistory(a),
    'conversations.replies': (a) => this.conversationsReplies(a),
    'conversations.info': (a) => this.conversationsInfo(a),
    'users.info': (a) => this.usersInfo(a),
    'usergroups.users.list': (a) => {
      const id = str(a, 'usergroup');
      const users = id === undefined ? undefined : this.usergroups.get(id);
      return users ? { ok: true, users: [...users] } : err('no_such_subteam');
    },
    'views.open': (a) => this.viewsOpenOrPush('views.open', a),
    'views.push': (a) => this.viewsOpenOrPush('views.push', a),
    'views.update': (a) => this.viewsUpdate(a),
    'views.publish': (a) => this.viewsPublish(a),
  };

  // ---- messages -------------------------------------------------------------------------------------

  private nextTs(): string {
    this.lastTsMicros = Math.max(Date.now() * 1000, this.lastTsMicros + 100);
    const sec = Math.floor(this.lastTsMicros / 1_000_000);
    const micro = this.lastTsMicros % 1_000_000;
    return `${sec}.${String(micro).padStart(6, '0')}`;
  }

  private sortedChannel(channel: string): StoredMessage[] {
    return this.store
      .filter((m) => m.channel === channel)
      .sort((x, y) => (tsToMicros(x.ts) ?? 0) - (tsToMicros(y.ts) ?? 0));
  }

  private find(channel: string, ts: string): StoredMessage | undefined {
    return this.store.find((m) => m.channel === channel && m.ts === ts);
  }

  /**
   * Checks shared by chat.postMessage / chat.update / chat.postEphemeral / response URLs. Returns an error body
   * to answer with, or the (possibly truncated) text and a warning to add to the success body.
   */
  private checkMessage(
    method: string,
    a: Json,
  ): { error: Json } | { error?: undefined; text: string | undefined; extra: Json } {
    if (a.blocks !== undefined) {
      if (!Array.isArray(a.blocks)) {
        this.invalid.push({ method, errors: ['blocks must be an array [json-pointer:/blocks]'] });
        return { error: err('invalid_blocks_format') };
      }
      const errors = validateMessageBlocks(a.blocks);
      if (errors.length > 0) {
        this.invalid.push({ method, errors });
        return { error: errorsResponse('invalid_blocks', errors) };
      }
    }
    if (a.metadata !== undefined) {
      const m = a.metadata;
      if (
        !isObject(m) ||
        typeof m.event_type !== 'string' ||
        m.event_type === '' ||
        !isObject(m.event_payload)
      ) {
        const errors = [
          'metadata must be {event_type: string, event_payload: object} [json-pointer:/metadata]',
        ];
        this.invalid.push({ method, errors });
        return { error: errorsResponse('invalid_metadata_format', errors) };
      }
    }
    const unsafe: string[] = [];
    if (truthy(a.link_names))
      unsafe.push('link_names is set: Slack turns @channel/@here/@name in text into live mentions');
    if (a.parse === 'full')
      unsafe.push("parse: 'full' is set: Slack turns @channel/@here/@name in text into live mentions");
    if (unsafe.length > 0) this.invalid.push({ method, errors: unsafe });

    let text = typeof a.text === 'string' ? a.text : a.text === undefined ? undefined : String(a.text);
    const extra: Json = {};
    if (Array.isArray(a.blocks) && a.blocks.length > 0 && (text === undefined || text.trim() === '')) {
      this.warnings.push({ method, warning: 'missing_text_fallback: blocks sent without top-level text' });
    }
    if (text !== undefined && text.length > MAX_MESSAGE_TEXT) {
      text = text.slice(0, MAX_MESSAGE_TEXT);
      this.warnings.push({ method, warning: 'message_truncated' });
      extra.warning = 'message_truncated';
      extra.response_metadata = {
        warnings: ['message_truncated'],
        messages: [`[WARN] message text truncated to ${MAX_MESSAGE_TEXT} characters`],
      };
    }
    return { text, extra };
  }

  private wire(m: StoredMessage, withMetadata: boolean): Json {
    const replies = this.store.filter(
      (r) => r.channel === m.channel && r.thread_ts === m.ts && r.ts !== m.ts,
    );
    const out: Json = { type: 'message', text: m.text, ts: m.ts };
    if (m.user !== undefined) out.user = m.user;
    if (m.bot_id !== undefined) {
      out.bot_id = m.bot_id;
      out.app_id = FAKE_IDS.appId;
    }
    out.team = FAKE_IDS.teamId;
    if (m.blocks !== undefined) out.blocks = clone(m.blocks);
    if (m.attachments !== undefined) out.attachments = clone(m.attachments);
    if (m.thread_ts !== undefined) out.thread_ts = m.thread_ts;
    if (replies.length > 0) {
      out.thread_ts = m.ts;
      out.reply_count = replies.length;
      out.reply_users = [...new Set(replies.map((r) => r.user).filter((u) => u !== undefined))];
      out.latest_reply = replies
        .map((r) => r.ts)
        .sort((x, y) => (tsToMicros(x) ?? 0) - (tsToMicros(y) ?? 0))
        .at(-1);
    }
    if (m.reply_broadcast) out.subtype = 'thread_broadcast';
    if (m.edited !== undefined) out.edited = { ...m.edited };
    if (withMetadata && m.metadata !== undefined) out.metadata = clone(m.metadata);
    return out;
  }

  private chatPostMessage(a: Json): Json {
    const channel = str(a, 'channel');
    if (channel === undefined) return err('channel_not_found');
    const check = this.checkMessage('chat.postMessage', a);
    if (check.error) return check.error;
    const hasBlocks = Array.isArray(a.blocks) && a.blocks.length > 0;
    if (check.text === undefined && !hasBlocks && a.attachments === undefined) return err('no_text');
    const msg: StoredMessage = {
      ts: this.nextTs(),
      channel,
      text: check.text ?? '',
      user: FAKE_IDS.botUserId,
      bot_id: FAKE_IDS.botId,
    };
    if (hasBlocks) msg.blocks = clone(a.blocks as unknown[]);
    if (Array.isArray(a.attachments)) msg.attachments = clone(a.attachments);
    const threadTs = str(a, 'thread_ts');
    if (threadTs !== undefined) {
      msg.thread_ts = threadTs;
      if (truthy(a.reply_broadcast)) msg.reply_broadcast = true;
    }
    if (isObject(a.metadata)) msg.metadata = clone(a.metadata) as unknown as MessageMetadata;
    this.store.push(msg);
    return { ok: true, channel, ts: msg.ts, message: this.wire(msg, true), ...check.extra };
  }

  private chatUpdate(a: Json): Json {
    const channel = str(a, 'channel');
    const ts = str(a, 'ts');
    if (channel === undefined) return err('channel_not_found');
    if (ts === undefined) return err('message_not_found');
    const msg = this.find(channel, ts);
    if (!msg) return err('message_not_found');
    if (msg.bot_id !== FAKE_IDS.botId) return err('cant_update_message');
    const check = this.checkMessage('chat.update', a);
    if (check.error) return check.error;
    if (check.text === undefined && a.blocks === undefined && a.attachments === undefined)
      return err('no_text');
    if (check.text !== undefined) msg.text = check.text;
    if (Array.isArray(a.blocks)) {
      if (a.blocks.length === 0) delete msg.blocks;
      else msg.blocks = clone(a.blocks);
    }
    if (Array.isArray(a.attachments)) {
      if (a.attachments.length === 0) delete msg.attachments;
      else msg.attachments = clone(a.attachments);
    }
    if (isObject(a.metadata)) msg.metadata = clone(a.metadata) as unknown as MessageMetadata;
    msg.edited = { user: FAKE_IDS.botUserId, ts: this.nextTs() };
    return { ok: true, channel, ts, text: msg.text, message: this.wire(msg, true), ...check.extra };
  }

  private chatPostEphemeral(a: Json): Json {
    const channel = str(a, 'channel');
    const user = str(a, 'user');
    if (channel === undefined) return err('channel_not_found');
    if (user === undefined) return err('user_not_in_channel');
    const check = this.checkMessage('chat.postEphemeral', a);
    if (check.error) return check.error;
    const hasBlocks = Array.isArray(a.blocks) && a.blocks.length > 0;
    if (check.text === undefined && !hasBlocks && a.attachments === undefined) return err('no_text');
    const eph: StoredEphemeral = {
      message_ts: this.nextTs(),
      channel,
      user,
      text: check.text ?? '',
      via: 'chat.postEphemeral',
    };
    if (hasBlocks) eph.blocks = clone(a.blocks as unknown[]);
    const threadTs = str(a, 'thread_ts');
    if (threadTs !== undefined) eph.thread_ts = threadTs;
    this.ephemeralStore.push(eph);
    return { ok: true, message_ts: eph.message_ts, ...check.extra };
  }

  private page(all: StoredMessage[], a: Json, withMetadata: boolean): Json {
    const limit = Math.min(Math.max(Number(str(a, 'limit') ?? 100) || 100, 1), 999);
    const cursor = str(a, 'cursor');
    let offset = 0;
    if (cursor !== undefined) {
      const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!m) return err('invalid_cursor');
      offset = Number(m[1]);
    }
    const slice = all.slice(offset, offset + limit);
    const hasMore = offset + limit < all.length;
    return {
      ok: true,
      messages: slice.map((m) => this.wire(m, withMetadata)),
      has_more: hasMore,
      response_metadata: {
        next_cursor: hasMore ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '',
      },
    };
  }

  private conversationsHistory(a: Json): Json {
    const channel = str(a, 'channel');
    if (channel === undefined) return err('channel_not_found');
    const inclusive = truthy(a.inclusive);
    const oldest = tsToMicros(str(a, 'oldest'));
    const latest = tsToMicros(str(a, 'latest'));
    const top = this.sortedChannel(channel)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast)
      .filter((m) => {
        const t = tsToMicros(m.ts) ?? 0;
        if (oldest !== undefined && (inclusive ? t < oldest : t <= oldest)) return false;
        if (latest !== undefined && (inclusive ? t > latest : t >= latest)) return false;
        return true;
      })
      .reverse();
    const result = this.page(top, a, truthy(a.include_all_metadata));
    return result.ok
      ? { ...result, pin_count: 0, channel_actions_ts: null, channel_actions_count: 0 }
      : result;
  }

  private conversationsReplies(a: Json): Json {
    const channel = str(a, 'channel');
    const ts = str(a, 'ts');
    if (channel === undefined) return err('channel_not_found');
    if (ts === undefined) return err('thread_not_found');
    const msg = this.find(channel, ts);
    if (!msg) return err('thread_not_found');
    const parentTs = msg.thread_ts ?? msg.ts;
    const parent = this.find(channel, parentTs) ?? msg;
    const replies = this.sortedChannel(channel).filter((m) => m.thread_ts === parentTs && m.ts !== parentTs);
    return this.page([parent, ...replies], a, truthy(a.include_all_metadata));
  }

  private conversationsInfo(a: Json): Json {
    const id = str(a, 'channel');
    if (id === undefined) return err('channel_not_found');
    const override = this.channels.get(id);
    if (override === null || (override === undefined && !/^[CGD][A-Z0-9]+$/.test(id)))
      return err('channel_not_found');
    const isIm = id.startsWith('D');
    const channel: Json = {
      id,
      name: isIm ? undefined : `chan-${id.toLowerCase()}`,
      is_channel: id.startsWith('C'),
      is_group: id.startsWith('G'),
      is_im: isIm,
      is_private: id.startsWith('G') || isIm,
      is_archived: false,
      is_general: false,
      is_member: true,
      is_ext_shared: false,
      is_org_shared: false,
      created: 1_600_000_000,
      creator: 'U0USER',
      context_team_id: FAKE_IDS.teamId,
      ...override,
    };
    return { ok: true, channel };
  }

  private usersInfo(a: Json): Json {
    const id = str(a, 'user');
    if (id === undefined) return err('user_not_found');
    const override = this.users.get(id);
    if (override === null || (override === undefined && !/^[UWB][A-Z0-9]+$/.test(id)))
      return err('user_not_found');
    const isBot = id === FAKE_IDS.botUserId;
    const name = isBot ? FAKE_IDS.botName : `user-${id.toLowerCase()}`;
    const realName = isBot ? 'SecSol' : `User ${id}`;
    const { profile: profileOverride, ...rest } = override ?? {};
    const user: Json = {
      id,
      team_id: FAKE_IDS.teamId,
      name,
      deleted: false,
      real_name: realName,
      tz: 'Etc/UTC',
      tz_label: 'Coordinated Universal Time',
      tz_offset: 0,
      is_admin: false,
      is_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: isBot,
      is_app_user: false,
      updated: 1_700_000_000,
      ...rest,
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: name,
        display_name_normalized: name,
        team: FAKE_IDS.teamId,
        ...(isObject(profileOverride) ? profileOverride : {}),
      },
    };
    return { ok: true, user };
  }

  // ---- views ----------------------------------------------------------------------------------------

  /** Validates `a.view`; `targetId` is the view being replaced (views.update / views.publish), if any. */
  private checkView(method: string, a: Json, allowed: 'modal' | 'home', targetId?: string): Json | undefined {
    if (!isObject(a.view)) {
      const errors = ['missing required field: view [json-pointer:/view]'];
      this.invalid.push({ method, errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const errors = validateView(a.view);
    if (errors.length === 0 && a.view.type !== allowed) {
      errors.push(`${method} requires a ${allowed} view [json-pointer:/view/type]`);
    }
    if (errors.length > 0) {
      this.invalid.push({ method, errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const externalId = a.view.external_id;
    if (typeof externalId === 'string' && externalId !== '') {
      const clash = [...this.viewStore.values()].find(
        (v) => v.external_id === externalId && v.id !== targetId,
      );
      if (clash) return err('duplicate_external_id');
    }
    return undefined;
  }

  private newHash(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${this.seq.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  }

  private buildView(view: Json, keep?: StoredView): StoredView {
    let id = keep?.id;
    if (id === undefined) {
      this.seq += 1;
      id = `V0${String(this.seq).padStart(9, '0')}`;
    }
    const built: StoredView = {
      team_id: FAKE_IDS.teamId,
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      title: null,
      close: null,
      submit: null,
      clear_on_close: false,
      notify_on_close: false,
      previous_view_id: keep?.previous_view_id ?? null,
      app_id: FAKE_IDS.appId,
      app_installed_team_id: FAKE_IDS.teamId,
      bot_id: FAKE_IDS.botId,
      ...clone(view),
      external_id: typeof view.external_id === 'string' ? view.external_id : '',
      blocks: Array.isArray(view.blocks) ? clone(view.blocks) : [],
      type: String(view.type),
      id,
      root_view_id: keep?.root_view_id ?? id,
      hash: this.newHash(),
    };
    if (keep?.user_id !== undefined) built.user_id = keep.user_id;
    this.viewStore.set(id, built);
    return built;
  }

  private viewsOpenOrPush(method: 'views.open' | 'views.push', a: Json): Json {
    if (str(a, 'trigger_id') === undefined) {
      const errors = ['missing required field: trigger_id [json-pointer:/trigger_id]'];
      this.invalid.push({ method, errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const bad = this.checkView(method, a, 'modal');
    if (bad) return bad;
    return { ok: true, view: clone(this.buildView(a.view as Json)) };
  }

  private viewsUpdate(a: Json): Json {
    const viewId = str(a, 'view_id');
    const externalId = str(a, 'external_id');
    if (viewId === undefined && externalId === undefined) {
      const errors = ['must provide view_id or external_id [json-pointer:/view_id]'];
      this.invalid.push({ method: 'views.update', errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const existing =
      viewId !== undefined
        ? this.viewStore.get(viewId)
        : [...this.viewStore.values()].find((v) => v.external_id === externalId);
    if (!existing) return err('not_found');
    const hash = str(a, 'hash');
    if (hash !== undefined && hash !== existing.hash) return err('hash_conflict');
    const bad = this.checkView('views.update', a, existing.type === 'home' ? 'home' : 'modal', existing.id);
    if (bad) return bad;
    return { ok: true, view: clone(this.buildView(a.view as Json, existing)) };
  }

  private viewsPublish(a: Json): Json {
    const userId = str(a, 'user_id');
    if (userId === undefined) {
      const errors = ['missing required field: user_id [json-pointer:/user_id]'];
      this.invalid.push({ method: 'views.publish', errors });
      return errorsResponse('invalid_arguments', errors);
    }
    const existing = [...this.viewStore.values()].find((v) => v.type === 'home' && v.user_id === userId);
    const hash = str(a, 'hash');
    if (existing && hash !== undefined && hash !== existing.hash) return err('hash_conflict');
    const bad = this.checkView('views.publish', a, 'home', existing?.id);
    if (bad) return bad;
    const built = this.buildView(a.view as Json, existing);
    built.user_id = userId;
    return { ok: true, view: clone(built) };
  }

  // ---- response URLs --------------------------------------------------------------------------------

  private handleResponseUrl(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const id = url.pathname.slice('/response/'.length);
    const fullUrl = `${this.origin}/response/${id}`;
    if (req.method !== 'POST') {
      this.send(res, { status: 405, body: { ok: false, error: 'method_not_allowed' } });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const record = (status: number, answer: Json): void => {
      this.posts.push({ url: fullUrl, id, body: parsed ?? body, at: Date.now(), status });
      this.send(res, { status, body: answer });
    };
    if (!isObject(parsed)) {
      this.invalid.push({ method: 'response_url', errors: ['body is not a JSON object'] });
      record(400, err('invalid_payload'));
      return;
    }
    const used = this.posts.filter((p) => p.id === id && p.status === 200).length;
    if (used >= MAX_RESPONSE_URL_USES) {
      // Assumption (PROTOCOL.md section 5): the real error string for an over-used URL was not verified.
      this.invalid.push({
        method: 'response_url',
        errors: [`response_url used more than ${MAX_RESPONSE_URL_USES} times`],
      });
      record(404, err('expired_url'));
      return;
    }
    const check = this.checkMessage('response_url', parsed);
    if (check.error) {
      record(400, check.error);
      return;
    }
    this.applyResponse(id, parsed, check.text);
    record(200, { ok: true });
  }

  private applyResponse(id: string, p: Json, text: string | undefined): void {
    const ctx = this.responseContexts.get(id) ?? {};
    const original = ctx.channel && ctx.messageTs ? this.find(ctx.channel, ctx.messageTs) : undefined;
    if (truthy(p.delete_original)) {
      if (original) this.store = this.store.filter((m) => m !== original);
      return;
    }
    const blocks = Array.isArray(p.blocks) && p.blocks.length > 0 ? clone(p.blocks) : undefined;
    if (truthy(p.replace_original)) {
      if (original) {
        original.text = text ?? '';
        if (blocks) original.blocks = blocks;
        else delete original.blocks;
        original.edited = { user: FAKE_IDS.botUserId, ts: this.nextTs() };
      }
      return;
    }
    if (!ctx.channel) return;
    if (p.response_type === 'in_channel') {
      const msg: StoredMessage = {
        ts: this.nextTs(),
        channel: ctx.channel,
        text: text ?? '',
        user: FAKE_IDS.botUserId,
        bot_id: FAKE_IDS.botId,
      };
      if (blocks) msg.blocks = blocks;
      const threadTs = str(p, 'thread_ts');
      if (threadTs !== undefined) msg.thread_ts = threadTs;
      this.store.push(msg);
    } else {
      const eph: StoredEphemeral = {
        message_ts: this.nextTs(),
        channel: ctx.channel,
        user: ctx.user ?? 'U0USER',
        text: text ?? '',
        via: 'response_url',
      };
      if (blocks) eph.blocks = blocks;
      this.ephemeralStore.push(eph);
    }
  }
}
