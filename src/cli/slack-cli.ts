/**
 * `npm run slack`: plays Slack against a running secsol, for trying it without a Slack workspace (local
 * mode, SPEC section 8). It sends `/secsol …` and button clicks signed exactly as Slack signs them, serves
 * a one-shot `response_url` on 127.0.0.1, and prints every answer as text with its buttons numbered, so
 * that `npm run slack -- click 2` clicks the second one. Pure Node: fetch and node:http.
 *
 * Reads: SLACK_SIGNING_SECRET or `.secsol/local-signing-secret` (written by secsol in local mode),
 * SECSOL_URL (default http://127.0.0.1:$PORT, PORT default 3000), SECSOL_USER (default U0LOCALUSER).
 * Writes: `.secsol/last-reply.json`, the last answer's messages and buttons, for `click`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { blocksToText, mrkdwnToText } from '../slack/render-text.js';

// The same values as app.ts's LOCAL_SECRET_FILE and LOCAL_CHANNEL, not imported: that would load the
// whole app (Bolt, Redis, queues) into a command that only needs fetch.
export const SECRET_FILE = '.secsol/local-signing-secret';
export const LAST_REPLY_FILE = '.secsol/last-reply.json';
export const LOCAL_CHANNEL = 'C0LOCAL';
const TEAM = { id: 'T0LOCAL', domain: 'local' };
const APP_ID = 'A0LOCAL';
/** Bolt itself answers 404 after about 3 s without an ack; no answer at all by now means secsol is stuck. */
const REQUEST_TIMEOUT_MS = 10_000;
/** After an empty ack, how long an answer through the response_url may take. */
const DEFAULT_WAIT_MS = 3000;
/** After an answer, how long to wait for another one. */
const QUIET_MS = 300;
const RESPONSE_BODY_LIMIT = 1024 * 1024;

export const USAGE = `Try secsol without Slack: sends signed Slack requests to a running secsol and prints the answers.

Usage:
  npm run slack -- /secsol [subcommand ...]   send a slash command, e.g. /secsol status, /secsol help
  npm run slack -- click <n>                  click button <n> of the last answer
  npm run slack -- click                      list the buttons of the last answer again

Start secsol first without Slack credentials (local mode): npm start
Run this from the same directory: it reads the signing secret secsol wrote to ${SECRET_FILE}.

Environment:
  SECSOL_URL             where secsol listens (default http://127.0.0.1:$PORT, PORT default 3000)
  SECSOL_USER            the Slack user id you act as (default U0LOCALUSER)
  SLACK_SIGNING_SECRET   use this secret instead of ${SECRET_FILE}
  SECSOL_WAIT_MS         how long to wait for a delayed answer (default ${DEFAULT_WAIT_MS})

What secsol sends through the Slack Web API (channel messages, modals, App Home) is printed in its own
terminal as [slack] lines.`;

type Block = Record<string, unknown>;

export interface Message {
  ts: string;
  text: string;
  blocks: Block[];
  /** Only the user sees it (a command's answer); otherwise it was posted in the channel. */
  ephemeral: boolean;
}

export interface Choice {
  /** What the user sees: the button text or the menu option. */
  label: string;
  /** The text nearest above it, when other buttons have the same label. */
  context: string;
  /** Index into the saved messages. */
  message: number;
  kind: 'button' | 'overflow' | 'static_select';
  actionId: string;
  blockId: string;
  value?: string;
  /** The menu option picked (overflow, select). */
  option?: { text: string; value: string };
  url?: string;
  /** The confirmation dialog Slack would show first. */
  confirm?: string;
}

export interface LastReply {
  savedAt: string;
  userId: string;
  channel: string;
  messages: Message[];
  choices: Choice[];
}

class CliError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Requests, signed as Slack signs them

export function sign(body: string, timestampSec: number, secret: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`, 'utf8').digest('hex')}`;
}

function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e11)}.${randomBytes(16).toString('hex')}`;
}

function newTs(): string {
  return `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

export function commandBody(text: string, userId: string, responseUrl: string): string {
  return new URLSearchParams({
    token: 'local-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: LOCAL_CHANNEL,
    channel_name: 'local',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/secsol',
    text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: newTriggerId(),
  }).toString();
}

export function clickPayload(reply: LastReply, choice: Choice, responseUrl: string): Record<string, unknown> {
  const message = reply.messages[choice.message];
  const actionTs = newTs();
  const base = { action_id: choice.actionId, block_id: choice.blockId, action_ts: actionTs };
  const option = choice.option && {
    text: { type: 'plain_text', text: choice.option.text, emoji: true },
    value: choice.option.value,
  };
  const action =
    choice.kind === 'button'
      ? {
          type: 'button',
          ...base,
          text: { type: 'plain_text', text: choice.label, emoji: true },
          ...(choice.value !== undefined ? { value: choice.value } : {}),
          ...(choice.url !== undefined ? { url: choice.url } : {}),
        }
      : { type: choice.kind, ...base, selected_option: option };
  const user = {
    id: reply.userId,
    username: reply.userId.toLowerCase(),
    name: reply.userId,
    team_id: TEAM.id,
  };
  return {
    type: 'block_actions',
    team: TEAM,
    user,
    api_app_id: APP_ID,
    token: 'local-verification-token',
    container: {
      type: 'message',
      message_ts: message?.ts,
      channel_id: reply.channel,
      is_ephemeral: message?.ephemeral ?? true,
    },
    trigger_id: newTriggerId(),
    channel: { id: reply.channel, name: 'local' },
    // The clicked message, as for a channel message; handlers read its blocks to know what was clicked.
    message: { type: 'message', ts: message?.ts, text: message?.text ?? '', blocks: message?.blocks ?? [] },
    state: { values: {} },
    response_url: responseUrl,
    actions: [action],
    is_enterprise_install: false,
    enterprise: null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Buttons

function plain(obj: unknown): string {
  if (!obj || typeof obj !== 'object') return '';
  const t = obj as { type?: unknown; text?: unknown };
  if (typeof t.text !== 'string') return '';
  return t.type === 'mrkdwn' ? mrkdwnToText(t.text) : t.text;
}

function firstLine(text: string, max = 60): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function optionsOf(el: Block): { text: string; value: string }[] {
  const groups = Array.isArray(el.option_groups) ? (el.option_groups as Block[]) : [];
  const all = [
    ...(Array.isArray(el.options) ? (el.options as Block[]) : []),
    ...groups.flatMap((g) => (Array.isArray(g.options) ? (g.options as Block[]) : [])),
  ];
  return all.map((o) => ({ text: plain(o.text), value: typeof o.value === 'string' ? o.value : '' }));
}

/** Every button and menu option in the messages, in reading order; menu options count one each. */
export function choicesOf(messages: Message[]): Choice[] {
  const choices: Choice[] = [];
  messages.forEach((message, m) => {
    let context = '';
    message.blocks.forEach((block, b) => {
      // Slack gives a block without an id a random one; any stable id does here.
      const blockId = typeof block.block_id === 'string' ? block.block_id : `m${m}b${b}`;
      const elements: Block[] = [];
      if (block.type === 'header' || block.type === 'section') {
        const text = firstLine(plain(block.text));
        if (text) context = text;
        if (block.accessory && typeof block.accessory === 'object') elements.push(block.accessory as Block);
      } else if (block.type === 'actions' && Array.isArray(block.elements)) {
        elements.push(...(block.elements as Block[]));
      }
      for (const el of elements) {
        const actionId = typeof el.action_id === 'string' ? el.action_id : '';
        const confirm = el.confirm ? plain((el.confirm as Block).title) || 'Are you sure?' : undefined;
        const common = { context, message: m, actionId, blockId, ...(confirm ? { confirm } : {}) };
        if (el.type === 'button') {
          choices.push({
            ...common,
            kind: 'button',
            label: plain(el.text),
            ...(typeof el.value === 'string' ? { value: el.value } : {}),
            ...(typeof el.url === 'string' ? { url: el.url } : {}),
          });
        } else if (el.type === 'overflow' || el.type === 'static_select') {
          for (const option of optionsOf(el)) {
            choices.push({ ...common, kind: el.type, label: option.text, option });
          }
        }
      }
    });
  });
  // The text above a button only helps to tell apart buttons with the same label (View, Add).
  const count = new Map<string, number>();
  for (const c of choices) count.set(c.label, (count.get(c.label) ?? 0) + 1);
  return choices.map((c) => (count.get(c.label) === 1 ? { ...c, context: '' } : c));
}

export function choiceLine(choice: Choice, n: number): string {
  const label =
    choice.kind === 'button'
      ? `[${choice.label}${choice.url ? ' ↗' : ''}]`
      : `[${choice.kind === 'overflow' ? '⋯' : '▾'} ${choice.label}]`;
  const notes = [
    choice.context ? `— ${choice.context}` : '',
    choice.url ? `(opens ${choice.url})` : '',
    choice.confirm ? `(asks first: ${choice.confirm})` : '',
  ].filter(Boolean);
  return `  ${String(n).padStart(2)}  ${label} ${notes.join(' ')}`.trimEnd();
}

// ---------------------------------------------------------------------------------------------------------
// The response_url: a one-shot listener on 127.0.0.1

interface ResponsePost {
  body: Record<string, unknown>;
}

interface ResponseListener {
  url: string;
  posts: ResponsePost[];
  /** Resolves on the next post, or after `ms`. */
  next(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > RESPONSE_BODY_LIMIT) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function listenForResponses(): Promise<ResponseListener> {
  const path = `/response/${randomBytes(12).toString('hex')}`;
  const posts: ResponsePost[] = [];
  let wake: (() => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error":"not_found"}');
      return;
    }
    readJson(req).then(
      (body) => {
        if (!body) {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"ok":false,"error":"invalid_json"}');
          return;
        }
        posts.push({ body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        wake?.();
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    posts,
    next: (ms) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve(false);
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve(true);
        };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Running one exchange

export interface Settings {
  url: string;
  secret: string;
  userId: string;
  waitMs: number;
}

export function settingsFrom(env: NodeJS.ProcessEnv): Settings {
  const url = (env.SECSOL_URL ?? `http://127.0.0.1:${env.PORT || '3000'}`).replace(/\/+$/, '');
  try {
    new URL(url);
  } catch {
    throw new CliError(`SECSOL_URL is not a URL: ${url}`);
  }
  const userId = env.SECSOL_USER ?? 'U0LOCALUSER';
  if (!/^[UW][A-Z0-9]{2,}$/.test(userId)) {
    throw new CliError(`SECSOL_USER must be a Slack user id like U0LOCALUSER, not "${userId}"`);
  }
  const waitMs = env.SECSOL_WAIT_MS === undefined ? DEFAULT_WAIT_MS : Number(env.SECSOL_WAIT_MS);
  if (!Number.isFinite(waitMs) || waitMs < 0)
    throw new CliError('SECSOL_WAIT_MS must be a number of milliseconds');
  let secret = env.SLACK_SIGNING_SECRET?.trim();
  if (!secret) {
    try {
      secret = readFileSync(SECRET_FILE, 'utf8').trim();
    } catch {
      throw new CliError(
        `No signing secret: ${SECRET_FILE} is missing here (${process.cwd()}).\n` +
          'Start secsol without Slack credentials (npm start) in this directory first: in local mode it ' +
          'writes that file. Or set SLACK_SIGNING_SECRET to the secret of the secsol you are talking to.',
      );
    }
  }
  if (!secret) throw new CliError(`${SECRET_FILE} is empty: restart secsol to write a new one`);
  return { url, secret, userId, waitMs };
}

interface Exchange {
  ackText: string;
  posts: ResponsePost[];
}

async function post(settings: Settings, body: string): Promise<string> {
  const ts = Math.floor(Date.now() / 1000);
  let res: Response;
  try {
    res = await fetch(`${settings.url}/slack/events`, {
      method: 'POST',
      headers: {
        // Exactly this: Bolt compares the string, a charset would make it a 400.
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(body, ts, settings.secret),
      },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') {
      throw new CliError(`secsol at ${settings.url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    const code = e.cause?.code ?? e.message;
    throw new CliError(
      `secsol is not running at ${settings.url} (${code}).\n` +
        'Start it with `npm start` (without Slack credentials it runs in local mode), or set SECSOL_URL.',
    );
  }
  const text = await res.text();
  if (res.status === 401) {
    throw new CliError(
      `secsol refused the request's signature (401). The secret in ${SECRET_FILE} is rewritten each time ` +
        'secsol starts in local mode: run this from the directory where secsol runs, or set SLACK_SIGNING_SECRET.',
    );
  }
  if (res.status === 404) {
    throw new CliError('secsol did not acknowledge the request within 3 s (404): is it overloaded or stuck?');
  }
  if (res.status !== 200) {
    throw new CliError(`secsol answered HTTP ${res.status}${text ? `: ${text.slice(0, 500)}` : ''}`);
  }
  return text;
}

async function exchange(settings: Settings, build: (responseUrl: string) => string): Promise<Exchange> {
  const listener = await listenForResponses();
  try {
    const ackText = await post(settings, build(listener.url));
    // An answer in the ack usually comes alone; an empty ack means the answer follows on the response_url.
    let wait = ackText.trim() ? QUIET_MS : settings.waitMs;
    let seen = 0;
    while (listener.posts.length > seen || (await listener.next(wait))) {
      seen = listener.posts.length;
      wait = QUIET_MS;
    }
    return { ackText, posts: [...listener.posts] };
  } finally {
    await listener.close();
  }
}

function messageFrom(raw: Record<string, unknown>): Message {
  return {
    ts: newTs(),
    text: typeof raw.text === 'string' ? raw.text : '',
    blocks: Array.isArray(raw.blocks) ? (raw.blocks as Block[]) : [],
    ephemeral: raw.response_type !== 'in_channel',
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/**
 * Prints what came back and numbers its buttons. Saves it for `click`, except when a click only added
 * a notice without buttons: then the clicked message is still there and its buttons still work.
 */
export function report(ex: Exchange, settings: Settings, channel: string, clicked: boolean): string {
  const out: string[] = [];
  const messages: Message[] = [];
  let changedClicked = false;
  const show = (title: string, message: Message) => {
    messages.push(message);
    out.push(`\n── ${title} ──`, indent(blocksToText(message.blocks, message.text) || '(empty)'));
  };
  const where = (m: Message) => (m.ephemeral ? 'only you can see this' : `posted in #${channel}`);
  const ack = ex.ackText.trim();
  if (ack) {
    let parsed: Record<string, unknown> | null = null;
    try {
      const value: unknown = JSON.parse(ack);
      parsed = value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
    } catch {
      parsed = null;
    }
    const message = messageFrom(parsed ?? { text: ack });
    show(`answer (${where(message)})`, message);
  }
  for (const { body } of ex.posts) {
    if (body.delete_original === true) {
      changedClicked = true;
      out.push('\n── the clicked message was deleted ──');
      continue;
    }
    const message = messageFrom(body);
    const replaces = body.replace_original === true;
    changedClicked ||= replaces;
    show(
      `answer via response_url (${where(message)}${replaces ? ', replaces the clicked message' : ''})`,
      message,
    );
  }
  if (messages.length === 0 && !changedClicked) {
    out.push(
      '\n(no answer here: anything secsol sent through the Slack Web API, such as a modal, a channel',
      'message or an ephemeral message, is printed in its own terminal as [slack] lines)',
    );
    return `${out.join('\n')}\n`;
  }
  const choices = choicesOf(messages);
  if (clicked && !changedClicked && choices.length === 0) {
    out.push('', 'The buttons of the message you clicked still work (npm run slack -- click lists them).');
    return `${out.join('\n')}\n`;
  }
  out.push('', ...listChoices(choices));
  const saved: LastReply = {
    savedAt: new Date().toISOString(),
    userId: settings.userId,
    channel,
    messages,
    choices,
  };
  mkdirSync(dirname(LAST_REPLY_FILE), { recursive: true });
  writeFileSync(LAST_REPLY_FILE, `${JSON.stringify(saved, null, 2)}\n`);
  return `${out.join('\n')}\n`;
}

function listChoices(choices: Choice[]): string[] {
  if (choices.length === 0) return ['(no buttons)'];
  return ['Buttons (npm run slack -- click <n>):', ...choices.map((c, i) => choiceLine(c, i + 1))];
}

function loadLastReply(): LastReply {
  let text: string;
  try {
    text = readFileSync(LAST_REPLY_FILE, 'utf8');
  } catch {
    throw new CliError(
      `Nothing to click yet (${LAST_REPLY_FILE} is missing): run a command first, e.g. npm run slack -- /secsol status`,
    );
  }
  try {
    const parsed = JSON.parse(text) as LastReply;
    if (
      !Array.isArray(parsed.messages) ||
      !Array.isArray(parsed.choices) ||
      typeof parsed.userId !== 'string'
    ) {
      throw new Error('unexpected shape');
    }
    return parsed;
  } catch {
    throw new CliError(
      `${LAST_REPLY_FILE} is not readable: run a command again, e.g. npm run slack -- /secsol status`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// The command line

/** `click` with no number (`n: null`) lists the buttons again. */
export type Parsed =
  | { kind: 'usage' }
  | { kind: 'command'; text: string }
  | { kind: 'click'; n: number | null };

export function parseArgs(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'usage' };
  if (first === 'click') {
    if (rest.length === 0) return { kind: 'click', n: null };
    const n = Number(rest[0]);
    if (rest.length > 1 || !Number.isInteger(n) || n < 1) {
      throw new CliError('click takes the number of a button, e.g. npm run slack -- click 2');
    }
    return { kind: 'click', n };
  }
  if (first.startsWith('/')) {
    if (first !== '/secsol') throw new CliError(`secsol only has the /secsol command, not ${first}`);
    return { kind: 'command', text: rest.join(' ') };
  }
  // `npm run slack -- status` is taken to mean `/secsol status`.
  return { kind: 'command', text: argv.join(' ') };
}

export interface Output {
  out: (s: string) => void;
  err: (s: string) => void;
}

async function sendCommand(text: string, settings: Settings, write: (s: string) => void): Promise<void> {
  write(`${`/secsol ${text}`.trimEnd()}  → ${settings.url} as ${settings.userId} in #${LOCAL_CHANNEL}\n`);
  const ex = await exchange(settings, (responseUrl) => commandBody(text, settings.userId, responseUrl));
  write(report(ex, settings, LOCAL_CHANNEL, false));
}

async function click(n: number, settings: Settings, write: (s: string) => void): Promise<void> {
  const last = loadLastReply();
  const choice = last.choices[n - 1];
  if (!choice) {
    throw new CliError(
      `There is no button ${n}: the last answer has ${last.choices.length}.\n${listChoices(last.choices).join('\n')}`,
    );
  }
  write(`click ${choiceLine(choice, n).trim()}  → as ${settings.userId}\n`);
  if (choice.confirm) write(`(confirmed "${choice.confirm}")\n`);
  const clicking = { ...last, userId: settings.userId };
  const ex = await exchange(settings, (responseUrl) =>
    new URLSearchParams({ payload: JSON.stringify(clickPayload(clicking, choice, responseUrl)) }).toString(),
  );
  write(report(ex, settings, last.channel, true));
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Output): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'usage') {
      io.out(`${USAGE}\n`);
    } else if (parsed.kind === 'click' && parsed.n === null) {
      io.out(`${listChoices(loadLastReply().choices).join('\n')}\n`);
    } else if (parsed.kind === 'click') {
      await click(parsed.n ?? 1, settingsFrom(env), io.out);
    } else {
      await sendCommand(parsed.text, settingsFrom(env), io.out);
    }
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2), process.env, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `slack-cli failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
