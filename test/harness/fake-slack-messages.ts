/**
 * The channels of the fake Slack: messages the app posted, updated or read back (chat.postMessage,
 * chat.update, chat.postEphemeral, conversations.history, conversations.replies), each checked the way
 * Slack checks it before it is stored.
 */
import { checkMessage } from './fake-slack-message-check.js';
import type { MessageMetadata, StoredEphemeral, StoredMessage } from './fake-slack-types.js';
import { FAKE_IDS } from './fake-slack-types.js';
import {
  clone,
  err,
  isObject,
  type Json,
  type Problems,
  str,
  truthy,
  tsToMicros,
} from './fake-slack-wire.js';

export class MessageStore {
  private store: StoredMessage[] = [];
  private ephemeralStore: StoredEphemeral[] = [];
  private lastTsMicros = 0;

  constructor(private readonly problems: Problems) {}

  /** Messages currently in a channel (after updates and deletes), oldest first, thread replies included. */
  messages(channel: string): StoredMessage[] {
    return this.sortedChannel(channel).map(clone);
  }

  /** Ephemeral messages (chat.postEphemeral and ephemeral response-URL replies), oldest first. */
  ephemerals(channel?: string): StoredEphemeral[] {
    return this.ephemeralStore.filter((e) => channel === undefined || e.channel === channel).map(clone);
  }

  /** Seed a message (e.g. one a human wrote, or one from a previous app run). Default user U0USER. */
  inject(msg: Partial<StoredMessage> & { channel: string }): StoredMessage {
    const stored: StoredMessage = {
      text: '',
      ...(msg.bot_id === undefined ? { user: 'U0USER' } : {}),
      ...clone(msg),
      ts: msg.ts ?? this.nextTs(),
    };
    this.store.push(stored);
    return clone(stored);
  }

  /** Stores a message as it is (already checked), e.g. one posted through a response URL. */
  add(msg: StoredMessage): void {
    this.store.push(msg);
  }

  addEphemeral(eph: StoredEphemeral): void {
    this.ephemeralStore.push(eph);
  }

  remove(msg: StoredMessage): void {
    this.store = this.store.filter((m) => m !== msg);
  }

  reset(): void {
    this.store = [];
    this.ephemeralStore = [];
  }

  readonly handlers: Record<string, (args: Json) => Json> = {
    'chat.postMessage': (a) => this.chatPostMessage(a),
    'chat.update': (a) => this.chatUpdate(a),
    'chat.postEphemeral': (a) => this.chatPostEphemeral(a),
    'conversations.history': (a) => this.conversationsHistory(a),
    'conversations.replies': (a) => this.conversationsReplies(a),
  };

  /** Slack-style `ts`, strictly increasing across everything this fake stores. */
  nextTs(): string {
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

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.store.find((m) => m.channel === channel && m.ts === ts);
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
    const check = checkMessage(this.problems, 'chat.postMessage', a);
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
    const check = checkMessage(this.problems, 'chat.update', a);
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
    const check = checkMessage(this.problems, 'chat.postEphemeral', a);
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
}
