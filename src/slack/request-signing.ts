/**
 * Requests as Slack sends them to an app: the v0 request signature and the bodies of slash commands and
 * interactions (`block_actions`, `view_submission`). Pure, no I/O: `npm run slack` (src/cli) builds its
 * requests with it, and so do the tests, so both speak to secsol exactly as Slack does.
 *
 * - The signature is `v0=` + hex HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`), over the exact
 *   bytes sent, with the timestamp in whole seconds.
 * - Slash commands and interactions are `application/x-www-form-urlencoded` with NO charset: Bolt compares
 *   the content type as an exact string and answers 400 to anything else.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const SIGNATURE_HEADER = 'x-slack-signature';
export const TIMESTAMP_HEADER = 'x-slack-request-timestamp';

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

/** The headers Slack sends with `body`: its content type, the timestamp (default now) and the signature. */
export function signedHeaders(
  body: string,
  secret: string,
  opts: { timestampSec?: number; contentType?: string } = {},
): Record<string, string> {
  const timestampSec = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': opts.contentType ?? FORM_CONTENT_TYPE,
    [TIMESTAMP_HEADER]: String(timestampSec),
    [SIGNATURE_HEADER]: signSlackRequest(body, timestampSec, secret),
  };
}

/** A fresh trigger_id shaped like Slack's: `<digits>.<digits>.<32 hex>`. */
export function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e11)}.${randomBytes(16).toString('hex')}`;
}

/** A message or action timestamp shaped like Slack's: `<seconds>.<6 digits>`. */
export function newSlackTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

/** Who sends: the workspace and app a request comes from. */
export interface Workspace {
  teamId: string;
  teamDomain: string;
  apiAppId: string;
  /** The deprecated verification token Slack still puts in every payload. */
  token: string;
}

/** Who an interaction comes from, as every interaction payload says it. */
function sentBy(w: Workspace, userId: string) {
  const username = userId.toLowerCase();
  return {
    team: { id: w.teamId, domain: w.teamDomain },
    user: { id: userId, username, name: username, team_id: w.teamId },
    api_app_id: w.apiAppId,
    token: w.token,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Slash commands

/** A slash command's fields, in the order Slack sends them. */
export const SLASH_COMMAND_FIELDS = [
  'token',
  'team_id',
  'team_domain',
  'channel_id',
  'channel_name',
  'user_id',
  'user_name',
  'command',
  'text',
  'api_app_id',
  'is_enterprise_install',
  'response_url',
  'trigger_id',
] as const;

export type SlashCommandFields = Record<(typeof SLASH_COMMAND_FIELDS)[number], string>;

/** A slash command's form body, its fields in Slack's order, then `extra` ones (e.g. `enterprise_id`). */
export function slashCommandBody(fields: SlashCommandFields, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of SLASH_COMMAND_FIELDS) params.append(key, fields[key]);
  for (const [key, value] of Object.entries(extra)) params.append(key, value);
  return params.toString();
}

/** An interaction's form body: the single field `payload=<URL-encoded JSON>`. */
export function interactivityBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

// ---------------------------------------------------------------------------------------------------------
// block_actions

export interface ButtonAction {
  actionId: string;
  blockId: string;
  /** The button's text. */
  label: string;
  value?: string;
  url?: string;
}

export interface MenuAction {
  kind: 'overflow' | 'static_select';
  actionId: string;
  blockId: string;
  /** The option picked. */
  option: { text: string; value: string };
}

/** The `actions[0]` of a click on a button, or of an option picked in an overflow menu or a select. */
export function clickedAction(
  a: ButtonAction | MenuAction,
  actionTs = newSlackTs(),
): Record<string, unknown> {
  const base = { action_id: a.actionId, block_id: a.blockId, action_ts: actionTs };
  if ('option' in a) {
    const text = { type: 'plain_text', text: a.option.text, emoji: true };
    return { type: a.kind, ...base, selected_option: { text, value: a.option.value } };
  }
  return {
    type: 'button',
    ...base,
    text: { type: 'plain_text', text: a.label, emoji: true },
    ...(a.value !== undefined ? { value: a.value } : {}),
    ...(a.url !== undefined ? { url: a.url } : {}),
  };
}

export interface BlockActionsInput {
  workspace: Workspace;
  userId: string;
  channel: { id: string; name: string };
  /** The message that holds the button; Slack sends its blocks, and handlers read them. */
  message: {
    ts?: string;
    text: string;
    blocks: unknown[];
    ephemeral: boolean;
    user?: string;
    botId?: string;
  };
  /** From `clickedAction`. */
  action: Record<string, unknown>;
  responseUrl: string;
  triggerId?: string;
}

/** A `block_actions` payload (a click in a message), with the fields Slack sends. */
export function blockActionsPayload(o: BlockActionsInput): Record<string, unknown> {
  return {
    type: 'block_actions',
    ...sentBy(o.workspace, o.userId),
    container: {
      type: 'message',
      message_ts: o.message.ts,
      channel_id: o.channel.id,
      is_ephemeral: o.message.ephemeral,
    },
    trigger_id: o.triggerId ?? newTriggerId(),
    channel: o.channel,
    message: {
      type: 'message',
      ...(o.message.user !== undefined ? { user: o.message.user } : {}),
      ...(o.message.botId !== undefined ? { bot_id: o.message.botId } : {}),
      ts: o.message.ts,
      text: o.message.text,
      blocks: o.message.blocks,
    },
    state: { values: {} },
    response_url: o.responseUrl,
    actions: [o.action],
    is_enterprise_install: false,
    enterprise: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// view_submission

export interface ViewSubmissionInput {
  workspace: Workspace;
  userId: string;
  /** The modal as it was opened: its id, callback id, private metadata and hash. */
  view: { id: string; callbackId: string; privateMetadata: string; hash: string; botId: string };
  /** What the user entered: block_id → action_id → the element's state (`{type, value}`, …). */
  values: Record<string, Record<string, Record<string, unknown>>>;
  triggerId?: string;
}

/** A `view_submission` payload (a modal saved), with the fields Slack sends. */
export function viewSubmissionPayload(o: ViewSubmissionInput): Record<string, unknown> {
  const { workspace: w, view } = o;
  const text = (t: string) => ({ type: 'plain_text', text: t, emoji: true });
  return {
    type: 'view_submission',
    ...sentBy(w, o.userId),
    trigger_id: o.triggerId ?? newTriggerId(),
    view: {
      id: view.id,
      team_id: w.teamId,
      type: 'modal',
      title: text('Modal'),
      submit: text('Save'),
      close: text('Cancel'),
      blocks: [],
      private_metadata: view.privateMetadata,
      callback_id: view.callbackId,
      external_id: '',
      state: { values: o.values },
      hash: view.hash,
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: view.id,
      previous_view_id: null,
      app_id: w.apiAppId,
      app_installed_team_id: w.teamId,
      bot_id: view.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}
