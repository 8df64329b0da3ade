/** What the fake Slack records and stores, as tests read it. */

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
