/**
 * One exchange with secsol: a request signed as Slack signs it, posted to `/slack/events`, then every
 * answer that follows on its response_url until secsol goes quiet.
 */
import { signedHeaders } from '../slack/request-signing.js';
import { CliError, SECRET_FILE, type Settings } from './cli-settings.js';
import { listenForResponses, type ResponsePost } from './response-listener.js';

/** Bolt itself answers 404 after about 3 s without an ack; no answer at all by now means secsol is stuck. */
const REQUEST_TIMEOUT_MS = 10_000;
/** After an answer, how long to wait for another one. */
const QUIET_MS = 300;

export interface Exchange {
  ackText: string;
  posts: ResponsePost[];
}

async function post(settings: Settings, body: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${settings.url}/slack/events`, {
      method: 'POST',
      headers: signedHeaders(body, settings.secret),
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

/** Sends the body `build` makes for a fresh response_url, and collects the ack and what follows. */
export async function exchange(
  settings: Settings,
  build: (responseUrl: string) => string,
): Promise<Exchange> {
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
