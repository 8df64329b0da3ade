/**
 * One exchange with secsol: a request signed as Slack signs it, posted to `/slack/events`, then every
 * answer that follows until secsol goes quiet: on the request's response_url (served by local mode's
 * loopback Slack), and through the Web API (channel messages posted or changed, ephemeral messages, a
 * modal opened), read back from the loopback Slack.
 */
import { newTriggerId, signedHeaders } from '../slack/request-signing.js';
import { CliError, SECRET_FILE, type Settings } from './cli-settings.js';
import type { LocalMessage, LocalSlack, LocalView } from './local-slack-client.js';

/** Bolt itself answers 404 after about 3 s without an ack; no answer at all by now means secsol is stuck. */
const REQUEST_TIMEOUT_MS = 10_000;
/** After an answer, how long to wait for another one. */
const QUIET_MS = 500;
const POLL_MS = 100;
/** Channel messages compared before and after, to see which ones the request changed. */
const WATCHED_MESSAGES = 30;

export interface ResponsePost {
  body: Record<string, unknown>;
}

export interface Exchange {
  ackText: string;
  posts: ResponsePost[];
  /** Channel messages posted during the exchange, and older ones it changed. */
  posted: LocalMessage[];
  changed: LocalMessage[];
  /** Messages only the acting user sees, posted through chat.postEphemeral. */
  ephemeral: LocalMessage[];
  /** The modal the request opened or changed. */
  modal: LocalView | null;
}

export interface RequestSpec {
  body: string;
  contentType?: string;
}

/** Posts one signed request to secsol's `/slack/events` and returns its ack body. */
export async function post(settings: Settings, spec: RequestSpec): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${settings.url}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(spec.body, settings.secret, { contentType: spec.contentType }),
      body: spec.body,
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the request `build` makes for a fresh response_url and trigger_id, and collects what follows.
 * `original` is the channel message clicked: its response_url's replace_original acts on it.
 */
export async function exchange(
  settings: Settings,
  local: LocalSlack,
  where: { channel: string; original?: { channel: string; ts: string } },
  build: (responseUrl: string, triggerId: string) => RequestSpec,
): Promise<Exchange> {
  const user = settings.userId;
  const triggerId = newTriggerId();
  const [response, before, state, modalBefore] = await Promise.all([
    local.responseUrl(where.original ?? null),
    local.messages(where.channel, WATCHED_MESSAGES),
    local.state(where.channel, user),
    local.modal(user),
    local.registerTrigger(triggerId, user),
  ]);
  const ackText = await post(settings, build(response.url, triggerId));
  const seenBefore = new Map(before.map((m) => [m.n, JSON.stringify(m)]));
  let result: Exchange = { ackText, posts: [], posted: [], changed: [], ephemeral: [], modal: null };
  let fingerprint = '';
  // An answer in the ack usually comes alone; an empty ack means the answer follows.
  let quietSince = Date.now();
  let wait = ackText.trim() ? QUIET_MS : settings.waitMs;
  while (Date.now() - quietSince < wait) {
    await sleep(POLL_MS);
    const [posts, after, ephemeral, modal] = await Promise.all([
      local.responses(response.id),
      local.messages(where.channel, WATCHED_MESSAGES),
      local.ephemeralSince(user, state.lastEphemeral),
      local.modal(user),
    ]);
    const posted = after.filter((m) => m.n > state.lastMessage);
    const changed = after.filter((m) => seenBefore.has(m.n) && seenBefore.get(m.n) !== JSON.stringify(m));
    const openedModal = modal && modal.hash !== modalBefore?.hash ? modal : null;
    result = {
      ackText,
      posts: posts.map((body) => ({ body })),
      posted,
      changed,
      ephemeral,
      modal: openedModal,
    };
    const now = JSON.stringify([posts, posted, changed, ephemeral, openedModal?.hash]);
    if (now !== fingerprint) {
      fingerprint = now;
      quietSince = Date.now();
      if (now !== '[[],[],[],[],null]') wait = QUIET_MS;
    }
  }
  return result;
}
