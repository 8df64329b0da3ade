/**
 * The Bolt app, served on the API's HTTP server at `/slack/events` (HTTP mode) or over Socket Mode when
 * an app-level token is set. Our server reads the body under a limit first and refuses timestamps from
 * the future too (Bolt itself only refuses old ones); Bolt then verifies the signature and routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, type BufferedIncomingMessage, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { AppError } from '../errors.js';
import { readLimited, sendTooLarge } from '../http/body.js';
import type { Logger } from '../logger.js';
import { slackLogger } from './web-client.js';

export const SLACK_BODY_LIMIT = 1024 * 1024;
const SKEW_SEC = 5 * 60;
const SOCKET_CLOSE_WAIT_MS = 2000;
/** Slack sends forms (commands, interactivity) or JSON (events); Bolt would parse anything else as JSON. */
const SLACK_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'application/json']);

export interface SlackAppOptions {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  apiUrl?: string;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
  /** Every request Bolt sends (Web API and respond()) goes through it: see slack/egress.ts. */
  fetch?: typeof fetch;
}

export interface SlackApp {
  app: App;
  /** For HTTP mode: handles a request to `/slack/events`. Absent in Socket Mode. */
  handler?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createSlackApp(opts: SlackAppOptions): Promise<SlackApp> {
  const logger = slackLogger(opts.logger.child({ part: 'bolt' }));
  const now = opts.now ?? Date.now;
  const clientOptions = {
    slackApiUrl: opts.apiUrl,
    // Listener calls (views.open, chat.postEphemeral) must fit Slack's 3 s window: fail fast, never queue.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: Math.min(opts.timeoutMs, 5000),
    fetch: opts.fetch,
  };
  if (opts.appToken) {
    // The socket client keeps its own reconnect and retry logic (apps.connections.open may fail now and
    // then); it only needs to know where Slack is and how requests leave.
    const receiver = new SocketModeReceiver({
      appToken: opts.appToken,
      logger,
      installerOptions: { clientOptions: { slackApiUrl: opts.apiUrl, fetch: opts.fetch } },
    });
    const app = new App({ token: opts.botToken, receiver, logger, clientOptions, deferInitialization: true });
    await app.init();
    const stop = async () => {
      // Bolt's stop() only starts the close handshake; wait (briefly) for it so that Slack sees a clean
      // close before the process exits, and nothing of the socket outlives close().
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<void>((resolve) => {
        receiver.client.once('disconnected', () => resolve());
        timer = setTimeout(resolve, SOCKET_CLOSE_WAIT_MS);
      });
      await app.stop();
      await closed;
      clearTimeout(timer);
    };
    return { app, start: async () => void (await app.start()), stop };
  }
  const receiver = new HTTPReceiver({
    signingSecret: opts.signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logger,
    logLevel: LogLevel.INFO,
    bodyLimit: SLACK_BODY_LIMIT,
  });
  const app = new App({ token: opts.botToken, receiver, logger, clientOptions, deferInitialization: true });
  await app.init();
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') throw new AppError('secsol_not_found', 'POST only');
    const raw = await readLimited(req, SLACK_BODY_LIMIT);
    if (raw === 'aborted') return;
    if (raw === 'too_large') {
      sendTooLarge(req, res);
      return;
    }
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(ts) && ts > Math.floor(now() / 1000) + SKEW_SEC) {
      opts.logger.warn('refused a Slack request timestamped in the future');
      res.writeHead(401).end();
      return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!SLACK_CONTENT_TYPES.has(contentType)) {
      res.writeHead(400).end();
      return;
    }
    (req as BufferedIncomingMessage).rawBody = raw;
    receiver.requestListener(req, res);
  };
  return { app, handler, start: async () => {}, stop: async () => {} };
}
