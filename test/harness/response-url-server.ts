/**
 * Slack's `response_url`s, as the fake Slack serves them under `/response/<id>` on its own port: a test
 * hands one out with `newResponseUrl()` (in a slash command or a click); what the app POSTs there is
 * recorded, checked like a message, and applied (an ephemeral reply, an in-channel message, or the
 * clicked message replaced or deleted).
 */
import { checkMessage } from './fake-slack-message-check.js';
import type { MessageStore } from './fake-slack-messages.js';
import {
  FAKE_IDS,
  type ResponsePost,
  type ResponseUrlContext,
  type StoredEphemeral,
  type StoredMessage,
} from './fake-slack-types.js';
import { clone, err, isObject, type Json, type Problems, str, truthy } from './fake-slack-wire.js';

export const RESPONSE_PATH = '/response/';
/** Slack lets an app use a response URL at most this many times (within 30 minutes). */
export const MAX_RESPONSE_URL_USES = 5;

/** How the fake answers a POST to a response URL. */
export interface ResponseAnswer {
  status: number;
  body: Json;
}

export class ResponseUrlServer {
  private posts: ResponsePost[] = [];
  private readonly contexts = new Map<string, ResponseUrlContext>();
  private seq = 0;

  constructor(
    private readonly origin: string,
    private readonly messages: MessageStore,
    private readonly problems: Problems,
  ) {}

  /** A response URL on this fake. POSTs to it are recorded; `ctx` lets replace/delete/in_channel take effect. */
  newResponseUrl(ctx: ResponseUrlContext = {}): string {
    this.seq += 1;
    const id = `R${String(this.seq).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`;
    this.contexts.set(id, { ...ctx });
    return `${this.origin}${RESPONSE_PATH}${id}`;
  }

  /** POSTs to response URLs, oldest first; filter by full URL or by id. */
  responsePosts(urlOrId?: string): ResponsePost[] {
    if (urlOrId === undefined) return this.posts.map(clone);
    const id = urlOrId.includes('/') ? urlOrId.slice(urlOrId.lastIndexOf('/') + 1) : urlOrId;
    return this.posts.filter((p) => p.id === id).map(clone);
  }

  reset(): void {
    this.posts = [];
    this.contexts.clear();
  }

  /** Answers one request to `/response/<id>`. */
  handle(method: string | undefined, pathname: string, body: string): ResponseAnswer {
    const id = pathname.slice(RESPONSE_PATH.length);
    const url = `${this.origin}${RESPONSE_PATH}${id}`;
    if (method !== 'POST') return { status: 405, body: err('method_not_allowed') };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    const record = (status: number, answer: Json): ResponseAnswer => {
      this.posts.push({ url, id, body: parsed ?? body, at: Date.now(), status });
      return { status, body: answer };
    };
    if (!isObject(parsed)) {
      this.problems.invalid.push({ method: 'response_url', errors: ['body is not a JSON object'] });
      return record(400, err('invalid_payload'));
    }
    const used = this.posts.filter((p) => p.id === id && p.status === 200).length;
    if (used >= MAX_RESPONSE_URL_USES) {
      // An assumption: Slack documents the limit of five uses, not the error string for the sixth.
      this.problems.invalid.push({
        method: 'response_url',
        errors: [`response_url used more than ${MAX_RESPONSE_URL_USES} times`],
      });
      return record(404, err('expired_url'));
    }
    const check = checkMessage(this.problems, 'response_url', parsed);
    if (check.error) return record(400, check.error);
    this.apply(id, parsed, check.text);
    return record(200, { ok: true });
  }

  private apply(id: string, p: Json, text: string | undefined): void {
    const ctx = this.contexts.get(id) ?? {};
    const original =
      ctx.channel && ctx.messageTs ? this.messages.find(ctx.channel, ctx.messageTs) : undefined;
    if (truthy(p.delete_original)) {
      if (original) this.messages.remove(original);
      return;
    }
    const blocks = Array.isArray(p.blocks) && p.blocks.length > 0 ? clone(p.blocks) : undefined;
    if (truthy(p.replace_original)) {
      if (original) {
        original.text = text ?? '';
        if (blocks) original.blocks = blocks;
        else delete original.blocks;
        original.edited = { user: FAKE_IDS.botUserId, ts: this.messages.nextTs() };
      }
      return;
    }
    if (!ctx.channel) return;
    if (p.response_type === 'in_channel') {
      const msg: StoredMessage = {
        ts: this.messages.nextTs(),
        channel: ctx.channel,
        text: text ?? '',
        user: FAKE_IDS.botUserId,
        bot_id: FAKE_IDS.botId,
      };
      if (blocks) msg.blocks = blocks;
      const threadTs = str(p, 'thread_ts');
      if (threadTs !== undefined) msg.thread_ts = threadTs;
      this.messages.add(msg);
    } else {
      const eph: StoredEphemeral = {
        message_ts: this.messages.nextTs(),
        channel: ctx.channel,
        user: ctx.user ?? 'U0USER',
        text: text ?? '',
        via: 'response_url',
      };
      if (blocks) eph.blocks = blocks;
      this.messages.addEphemeral(eph);
    }
  }
}
