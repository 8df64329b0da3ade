/**
 * Local mode (no Slack credentials): a loopback stand-in for the Slack Web API that prints the calls it
 * would make and keeps what it was sent (in Redis), and, for `npm run slack`, a signing secret and the
 * loopback Slack's address written to `.secsol/`.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { Connection } from '../storage/redis.js';
import { type LocalSlackApi, startLocalSlackApi } from './local-slack-api.js';
import { LocalSlackStore } from './local-slack-store.js';

// src/cli/slack-cli.ts keeps the same two values (it must not load the app to read them).
export const LOCAL_CHANNEL = 'C0LOCAL';
export const LOCAL_SECRET_FILE = '.secsol/local-signing-secret';
export const LOCAL_SLACK_URL_FILE = '.secsol/local-slack-url';

export interface SlackTarget {
  token: string;
  signingSecret: string;
  apiUrl?: string;
  /** The loopback API in local mode, to close on shutdown. */
  local: LocalSlackApi | null;
}

/** Slack credentials, or local mode's stand-ins: a loopback Web API and a signing secret on disk. */
export async function slackTarget(
  config: Config,
  opts: { web: boolean; logger: Logger; redis: Connection; print?: (text: string) => void },
): Promise<SlackTarget> {
  if (!config.slack.local) {
    return {
      token: config.slack.botToken as string,
      signingSecret: config.slack.signingSecret ?? '',
      apiUrl: config.slack.apiUrl,
      local: null,
    };
  }
  const local = await startLocalSlackApi(
    new LocalSlackStore(opts.redis, config.keyPrefix),
    opts.print ?? ((t) => process.stdout.write(`${t}\n`)),
  );
  const signingSecret = randomBytes(24).toString('hex');
  if (opts.web) {
    try {
      mkdirSync('.secsol', { recursive: true });
      writeFileSync(LOCAL_SECRET_FILE, signingSecret, { mode: 0o600 });
      chmodSync(LOCAL_SECRET_FILE, 0o600);
      // Where `npm run slack` lists messages, reads modals and gets its response_urls.
      writeFileSync(LOCAL_SLACK_URL_FILE, local.origin);
    } catch (err) {
      // A read-only working directory (a container) only costs the `npm run slack` helper its secret.
      opts.logger.warn(
        { err: (err as Error).message },
        'local mode: cannot write the signing secret for npm run slack',
      );
    }
  }
  opts.logger.warn(
    { slackApi: local.url },
    'local mode: no Slack credentials, Slack calls are printed and kept instead of sent (npm run slack -- messages)',
  );
  return { token: 'xoxb-local-mode', signingSecret, apiUrl: local.url, local };
}
