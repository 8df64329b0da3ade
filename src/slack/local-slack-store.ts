/**
 * What local mode's Slack keeps, in Redis under the app's key prefix so that every secsol process (web and
 * worker each run their own loopback Slack) writes to the same place and `npm run slack` reads one view of
 * it: the recent messages of each channel (numbered per channel, so `click 7.2` names one), the open modal
 * and the App Home of each user, what was posted to each response_url, and the triggers the CLI sent (a
 * trigger tells Slack who opened a modal).
 * Everything is bounded: a channel keeps its last MESSAGES_PER_CHANNEL messages, the rest expires.
 */

import { z } from 'zod';
import type { Connection } from '../storage/redis.js';

export const MESSAGES_PER_CHANNEL = 200;
/** Slack's trigger_id and response_url live 3 s and 30 min; modals and homes a day is plenty locally. */
const TRIGGER_TTL_S = 600;
const RESPONSE_TTL_S = 1800;
const VIEW_TTL_S = 86_400;

export const storedMessageSchema = z.object({
  n: z.number().int(),
  ts: z.string(),
  channel: z.string(),
  text: z.string(),
  blocks: z.array(z.record(z.string(), z.unknown())),
  thread_ts: z.string().optional(),
  metadata: z.unknown().optional(),
  /** Set when chat.update changed it, chat.delete removed it. */
  edited: z.boolean().optional(),
  deleted: z.boolean().optional(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

export const storedViewSchema = z.object({
  id: z.string(),
  hash: z.string(),
  user: z.string(),
  view: z.record(z.string(), z.unknown()),
});
export type StoredView = z.infer<typeof storedViewSchema>;

function slackTs(n: number): string {
  return `${Math.floor(Date.now() / 1000)}.${String(n % 1_000_000).padStart(6, '0')}`;
}

function parse<T>(schema: z.ZodType<T>, raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export class LocalSlackStore {
  private readonly p: string;

  constructor(
    private readonly redis: Connection,
    keyPrefix: string,
  ) {
    // The same hash tag as every other key of the app (src/storage/keys.ts): one slot on a cluster.
    this.p = `{${keyPrefix}}:local-slack`;
  }

  private k(...parts: string[]): string {
    return [this.p, ...parts].join(':');
  }

  /** Numbers the message in its channel and gives it a ts unique in that channel, as Slack's are. */
  async post(msg: Omit<StoredMessage, 'n' | 'ts'>): Promise<StoredMessage> {
    const n = await this.redis.incr(this.k('seq', msg.channel));
    const stored = { ...msg, n, ts: slackTs(n) };
    const oldest = n - MESSAGES_PER_CHANNEL;
    const tx = this.redis
      .multi()
      .hset(this.k('msg', msg.channel), String(n), JSON.stringify(stored))
      .hset(this.k('ts', msg.channel), stored.ts, String(n));
    if (oldest > 0) {
      const old = parse(
        storedMessageSchema,
        await this.redis.hget(this.k('msg', msg.channel), String(oldest)),
      );
      tx.hdel(this.k('msg', msg.channel), String(oldest));
      if (old) tx.hdel(this.k('ts', msg.channel), old.ts);
    }
    await tx.exec();
    return stored;
  }

  async byTs(channel: string, ts: string): Promise<StoredMessage | null> {
    const n = await this.redis.hget(this.k('ts', channel), ts);
    return n === null ? null : this.byNumber(channel, Number(n));
  }

  async byNumber(channel: string, n: number): Promise<StoredMessage | null> {
    return parse(storedMessageSchema, await this.redis.hget(this.k('msg', channel), String(n)));
  }

  async replace(msg: StoredMessage): Promise<void> {
    await this.redis.hset(this.k('msg', msg.channel), String(msg.n), JSON.stringify(msg));
  }

  /** The channel's last `limit` messages, oldest first. */
  async recent(channel: string, limit = MESSAGES_PER_CHANNEL): Promise<StoredMessage[]> {
    const last = Number((await this.redis.get(this.k('seq', channel))) ?? 0);
    const from = Math.max(1, last - Math.min(limit, MESSAGES_PER_CHANNEL) + 1);
    if (last < from) return [];
    const fields = Array.from({ length: last - from + 1 }, (_, i) => String(from + i));
    const raws = await this.redis.hmget(this.k('msg', channel), ...fields);
    return raws.map((r) => parse(storedMessageSchema, r)).filter((m): m is StoredMessage => m !== null);
  }

  async lastNumber(channel: string): Promise<number> {
    return Number((await this.redis.get(this.k('seq', channel))) ?? 0);
  }

  async rememberTrigger(triggerId: string, user: string): Promise<void> {
    await this.redis.set(this.k('trigger', triggerId), user, 'EX', TRIGGER_TTL_S);
  }

  async triggerUser(triggerId: string): Promise<string | null> {
    return this.redis.get(this.k('trigger', triggerId));
  }

  /** views.open/push: the user's open modal. views.update finds it again by its id. */
  async openView(v: StoredView): Promise<void> {
    await this.redis
      .multi()
      .set(this.k('modal', v.user), JSON.stringify(v), 'EX', VIEW_TTL_S)
      .set(this.k('view', v.id), v.user, 'EX', VIEW_TTL_S)
      .exec();
  }

  async viewOwner(viewId: string): Promise<string | null> {
    return this.redis.get(this.k('view', viewId));
  }

  async modal(user: string): Promise<StoredView | null> {
    return parse(storedViewSchema, await this.redis.get(this.k('modal', user)));
  }

  async closeModal(user: string): Promise<void> {
    await this.redis.del(this.k('modal', user));
  }

  async publishHome(v: StoredView): Promise<void> {
    await this.redis.set(this.k('home', v.user), JSON.stringify(v), 'EX', VIEW_TTL_S);
  }

  async home(user: string): Promise<StoredView | null> {
    return parse(storedViewSchema, await this.redis.get(this.k('home', user)));
  }

  /** chat.postEphemeral: kept per user, numbered, so the CLI can show what arrived since it asked. */
  async postEphemeral(user: string, msg: Omit<StoredMessage, 'n' | 'ts'>): Promise<string> {
    const n = await this.redis.incr(this.k('eph-seq', user));
    const ts = slackTs(n);
    await this.redis
      .multi()
      .lpush(this.k('eph', user), JSON.stringify({ ...msg, n, ts }))
      .ltrim(this.k('eph', user), 0, 49)
      .expire(this.k('eph', user), VIEW_TTL_S)
      .exec();
    return ts;
  }

  async lastEphemeral(user: string): Promise<number> {
    return Number((await this.redis.get(this.k('eph-seq', user))) ?? 0);
  }

  /** The user's ephemeral messages numbered above `after`, oldest first. */
  async ephemeralSince(user: string, after: number): Promise<StoredMessage[]> {
    const raws = await this.redis.lrange(this.k('eph', user), 0, -1);
    return raws
      .map((r) => parse(storedMessageSchema, r))
      .filter((m): m is StoredMessage => m !== null && m.n > after)
      .reverse();
  }

  /** A response_url handed out with a click on a channel message: replace_original acts on that message. */
  async newResponseUrl(id: string, original: { channel: string; ts: string } | null): Promise<void> {
    await this.redis.set(this.k('response-for', id), JSON.stringify(original), 'EX', RESPONSE_TTL_S);
  }

  async responseOriginal(id: string): Promise<{ channel: string; ts: string } | null | undefined> {
    const raw = await this.redis.get(this.k('response-for', id));
    if (raw === null) return undefined;
    return parse(z.object({ channel: z.string(), ts: z.string() }).nullable(), raw);
  }

  async respond(id: string, body: Record<string, unknown>): Promise<void> {
    await this.redis
      .multi()
      .rpush(this.k('response', id), JSON.stringify(body))
      .ltrim(this.k('response', id), 0, 49)
      .expire(this.k('response', id), RESPONSE_TTL_S)
      .exec();
  }

  async responses(id: string): Promise<Record<string, unknown>[]> {
    const raws = await this.redis.lrange(this.k('response', id), 0, -1);
    return raws
      .map((r) => parse(z.record(z.string(), z.unknown()), r))
      .filter((b): b is Record<string, unknown> => b !== null);
  }
}
