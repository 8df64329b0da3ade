/**
 * A local fake of Slack's Web API and of response URLs, on node:http, for tests.
 *
 * - `POST /api/<method>`, form-encoded (what @slack/web-api sends; `blocks`, `view`, `metadata`, `attachments`
 *   arrive as JSON strings) or JSON. Token from `Authorization: Bearer …` or a `token` field. HTTP 200 for
 *   API errors. Messages live in `fake-slack-messages.ts`, views in `fake-slack-views.ts`, users, channels
 *   and user groups in `fake-slack-directory.ts`.
 * - `POST /response/<id>`: response URLs handed out by `newResponseUrl()` (`response-url-server.ts`).
 * - Block Kit is validated with `block-kit-validator.ts`. Refused calls are recorded in `invalid`, as are
 *   mention-safety bugs (`link_names`, `parse: 'full'`).
 * - `script()` injects failures (ok:false, 429, 5xx, hang, socket reset, delay, custom body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileBlockKitSchema } from './block-kit-validator.js';
import { CallLog } from './fake-slack-calls.js';
import { Directory } from './fake-slack-directory.js';
import { MessageStore } from './fake-slack-messages.js';
import { Scripts, sendOutcome } from './fake-slack-scripts.js';
import {
  FAKE_IDS,
  type FakeSlackOptions,
  type ResponsePost,
  type ResponseUrlContext,
  type Scripted,
  type SlackCall,
  type StoredEphemeral,
  type StoredMessage,
  type StoredView,
} from './fake-slack-types.js';
import { ViewStore } from './fake-slack-views.js';
import {
  authFailure,
  err,
  type Json,
  type ParsedArgs,
  type Problems,
  parseArgs,
  readBody,
} from './fake-slack-wire.js';
import { RESPONSE_PATH, ResponseUrlServer } from './response-url-server.js';

// What tests import from here (the validator is also imported on its own by unit tests of the builders).
export {
  MAX_MESSAGE_BLOCKS,
  MAX_MESSAGE_TEXT,
  validateMessageBlocks,
  validateView,
} from './block-kit-validator.js';
export type {
  FakeSlackOptions,
  MessageMetadata,
  ResponsePost,
  ResponseUrlContext,
  Scripted,
  SlackCall,
  StoredEphemeral,
  StoredMessage,
  StoredView,
} from './fake-slack-types.js';
export { FAKE_IDS } from './fake-slack-types.js';
export { MAX_RESPONSE_URL_USES } from './response-url-server.js';

export class FakeSlack {
  readonly apiUrl: string;
  readonly origin: string;
  /** Every Web API call, in arrival order (scripted failures included). */
  readonly calls: SlackCall[];
  /** Every call the fake refused as invalid (blocks/view/limits), plus mention-safety bugs it let through. */
  readonly invalid: Problems['invalid'] = [];
  /** Things real Slack or @slack/web-api only warn about (missing text fallback, truncation). */
  readonly warnings: Problems['warnings'] = [];

  private readonly server: Server;
  private readonly botToken: string | undefined;
  private readonly log = new CallLog();
  private readonly scripts = new Scripts();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly store: MessageStore;
  private readonly viewStore: ViewStore;
  private readonly directory = new Directory();
  private readonly responseUrls: ResponseUrlServer;
  private readonly handlers: Record<string, (args: Json) => Json>;
  private closed = false;

  private constructor(server: Server, port: number, opts: FakeSlackOptions) {
    this.server = server;
    this.origin = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.origin}/api/`;
    this.botToken = opts.botToken;
    this.calls = this.log.calls;
    this.store = new MessageStore(this);
    this.viewStore = new ViewStore(this);
    this.responseUrls = new ResponseUrlServer(this.origin, this.store, this);
    this.handlers = {
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
      ...this.store.handlers,
      ...this.directory.handlers,
      ...this.viewStore.handlers,
    };
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    compileBlockKitSchema(); // up front, so that the first call is not slow
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
    return this.log.callsTo(method);
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
    return this.log.waitFor(pred, opts);
  }

  /** A one-line-per-call summary of what was recorded (used in timeout errors). */
  describeCalls(limit = 40): string {
    return this.log.describeCalls(limit);
  }

  /** Messages currently in a channel (after updates and deletes), oldest first, thread replies included. */
  messages(channel: string): StoredMessage[] {
    return this.store.messages(channel);
  }

  /** Ephemeral messages (chat.postEphemeral and ephemeral response-URL replies), oldest first. */
  ephemerals(channel?: string): StoredEphemeral[] {
    return this.store.ephemerals(channel);
  }

  /** All views opened, pushed or published, by id. */
  views(): StoredView[] {
    return this.viewStore.views();
  }

  view(id: string): StoredView | undefined {
    return this.viewStore.view(id);
  }

  homeView(userId: string): StoredView | undefined {
    return this.viewStore.homeView(userId);
  }

  /** POSTs to response URLs, oldest first; filter by full URL or by id. */
  responsePosts(urlOrId?: string): ResponsePost[] {
    return this.responseUrls.responsePosts(urlOrId);
  }

  // ---- configuration ----------------------------------------------------------------------------------

  /** Queue scripted answers for `method`; one is used per call, in order, then normal behaviour resumes. */
  script(method: string, ...responses: Scripted[]): void {
    this.scripts.add(method, responses);
  }

  setUsergroup(id: string, users: string[]): void {
    this.directory.setUsergroup(id, users);
  }

  /** Override fields of users.info for `id` (merged over the default user; `profile` merged too). null = not found. */
  setUser(id: string, user: Json | null): void {
    this.directory.setUser(id, user);
  }

  /** Override fields of conversations.info for `id`. null = channel_not_found. */
  setChannel(id: string, channel: Json | null): void {
    this.directory.setChannel(id, channel);
  }

  /** Seed a message (e.g. one a human wrote, or one from a previous app run). Default user U0USER. */
  injectMessage(msg: Partial<StoredMessage> & { channel: string }): StoredMessage {
    return this.store.inject(msg);
  }

  /** A response URL on this fake. POSTs to it are recorded; `ctx` lets replace/delete/in_channel take effect. */
  newResponseUrl(ctx: ResponseUrlContext = {}): string {
    return this.responseUrls.newResponseUrl(ctx);
  }

  /** Forget calls, scripts, messages, ephemerals, views, response posts, invalid and warnings. Users, channels
   * and usergroups set by the test are kept. Arrays keep their identity. */
  reset(): void {
    this.calls.length = 0;
    this.invalid.length = 0;
    this.warnings.length = 0;
    this.scripts.clear();
    this.store.reset();
    this.viewStore.reset();
    this.responseUrls.reset();
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
    } else if (url.pathname.startsWith(RESPONSE_PATH)) {
      sendOutcome(res, this.responseUrls.handle(req.method, url.pathname, body), this.timers);
    } else {
      sendOutcome(res, { status: 404, body: { ok: false, error: 'not_found' } }, this.timers);
    }
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
    const outcome = this.scripts.outcome(method, parsed.args, () => this.dispatch(method, parsed, req));
    call.status = outcome.hang || outcome.reset ? 0 : outcome.status;
    call.response = outcome.hang || outcome.reset ? undefined : outcome.body;
    this.log.notify();
    if (outcome.reset) {
      req.socket.destroy();
      return;
    }
    if (outcome.hang) return; // answered never; close() destroys the socket
    sendOutcome(res, outcome, this.timers);
  }

  private dispatch(method: string, parsed: ParsedArgs, req: IncomingMessage): Json {
    const handler = this.handlers[method];
    if (!handler) return err('unknown_method', { req_method: method });
    if (parsed.error) return err(parsed.error);
    const authError = authFailure(req.headers.authorization, parsed.args, this.botToken);
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
}
