/**
 * The Bolt app, served on the API's HTTP server at `/slack/events` (HTTP mode) or over Socket Mode when
 * an app-level token is set. Our server reads the body under a limit first and refuses timestamps from
 * the future too (Bolt itself only refuses old ones); Bolt then verifies the signature and routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, type BufferedIncomingMessage, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { slackLogger } from './web-client.js';

export const SLACK_BODY_LIMIT = 1024 * 1024;
const SKEW_SEC = 5 * 60;
/** How long the rest of an oversized body is read and dropped before the connection is cut. */
const LINGER_MS = 1000;
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
  };
  if (opts.appToken) {
    const receiver = new SocketModeReceiver({
      appToken: opts.appToken,
      logger,
      installerOptions: { clientOptions },
    } as ConstructorParameters<typeof SocketModeReceiver>[0]);
    const app = new App({ token: opts.botToken, receiver, logger, clientOptions, deferInitialization: true });
    await app.init();
    return { app, start: async () => void (await app.start()), stop: async () => void (await app.stop()) };
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
    const raw = await readSlackBody(req, SLACK_BODY_LIMIT);
    if (raw === 'aborted') return;
    if (raw === 'too_large') {
      refuseTooLarge(req, res);
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

/**
 * The body, counted on the bytes received (a lying Content-Length does not help). Past the limit it
 * answers at once and drops whatever else arrives instead of buffering it.
 */
function readSlackBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let size = Number.isFinite(declared) && declared > limit ? declared : 0;
    const chunks: Buffer[] = [];
    if (size > limit) resolve('too_large');
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        resolve('too_large');
      } else chunks.push(chunk);
    });
    // Later calls are no-ops: 'close' also follows a normal end.
    req.once('end', () => resolve(size > limit ? 'too_large' : Buffer.concat(chunks)));
    req.once('error', () => resolve('aborted'));
    req.once('close', () => resolve('aborted'));
  });
}

/**
 * 413 without a connection reset. Closing a socket that still has unread input resets it, and a client
 * still sending would lose the answer. So the complete answer (headers with Content-Length 0) goes out at
 * once, the rest of the body is read and dropped, and the response is only ended, which lets Node close
 * or keep the connection as usual, once the body is over; a client that keeps sending is cut off.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(413, { 'content-length': '0' });
  if (req.complete) {
    res.end();
    return;
  }
  res.flushHeaders();
  const socket = req.socket;
  const cut = setTimeout(() => {
    res.end();
    socket.destroy();
  }, LINGER_MS).unref();
  req.once('end', () => {
    clearTimeout(cut);
    res.end();
  });
  socket.once('close', () => clearTimeout(cut));
}
