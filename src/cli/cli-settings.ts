/**
 * Where `npm run slack` finds secsol and who it acts as: SECSOL_URL (default http://127.0.0.1:$PORT, PORT
 * default 3000), SECSOL_USER (default U0LOCALUSER), SECSOL_WAIT_MS, and the signing secret from
 * SLACK_SIGNING_SECRET or `.secsol/local-signing-secret` (written by secsol in local mode).
 */
import { readFileSync } from 'node:fs';
import type { Workspace } from '../slack/request-signing.js';

/** A problem the user can fix: printed as one message, without a stack trace. */
export class CliError extends Error {}

// The same values as app.ts's LOCAL_SECRET_FILE and LOCAL_CHANNEL, not imported: that would load the
// whole app (Bolt, Redis, queues) into a command that only needs fetch.
export const SECRET_FILE = '.secsol/local-signing-secret';
export const LOCAL_CHANNEL = 'C0LOCAL';
/** The workspace local mode pretends to be. */
export const LOCAL_WORKSPACE: Workspace = {
  teamId: 'T0LOCAL',
  teamDomain: 'local',
  apiAppId: 'A0LOCAL',
  token: 'local-verification-token',
};
/** After an empty ack, how long an answer through the response_url may take. */
export const DEFAULT_WAIT_MS = 3000;

export interface Settings {
  url: string;
  secret: string;
  userId: string;
  /** The channel `messages` and `click <m>.<b>` work on (SECSOL_CHANNEL). */
  channel: string;
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
  const channel = env.SECSOL_CHANNEL?.trim() || LOCAL_CHANNEL;
  if (!/^[CGD][A-Z0-9]{2,}$/.test(channel))
    throw new CliError(`SECSOL_CHANNEL must be a channel id like C0LOCAL`);
  return { url, secret, userId, channel, waitMs };
}
