/**
 * The web process's HTTP server: the public API, the probes, and Slack's `/slack/events` (handed to
 * the Slack adapter with its body already read under a limit). One error handler for all of it.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sendTooLarge } from './body.js';
import type { Metrics } from './metrics.js';
import { internalError, sendError, unavailable } from './respond.js';
import type { Router } from './router.js';

/** Handles a Slack request (commands, interactivity, events) given its raw body. */
export type SlackHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A client gets this long to send its headers, and this long for the whole request. */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 10_000;
export const MAX_CONNECTIONS = 2048;

export interface ServerDeps {
  /** Connections served at once; more are refused by the kernel's accept (closed at once). */
  maxConnections?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  router: Router;
  logger: Logger;
  metrics: Metrics;
  slack?: SlackHandler;
  /** True while Redis is unusable: such failures answer 503 instead of 500. */
  storageDown: () => boolean;
  draining: () => boolean;
}

/** Which of several web processes answered (SECSOL_WEB_PROCESSES > 1): its number, 1 to N. */
const WEB_PROCESS = cluster.isWorker ? String(cluster.worker?.id ?? '') : undefined;

export function isStorageError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string };
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|Command timed out|ECONNREFUSED|OOM command not allowed|LOADING|CLUSTERDOWN|TRYAGAIN|Failed to refresh slots cache/.test(
      e?.message ?? '',
    )
  );
}

export function createHttpServer(deps: ServerDeps): Server {
  const { router, logger, metrics } = deps;
  const server = createServer(
    // Node checks header and request timeouts only every `connectionsCheckingInterval` (30 s by default),
    // so a slow client would hold its socket three times longer than the timeouts below say.
    {
      connectionsCheckingInterval: 1000,
      headersTimeout: deps.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    },
    async (req, res) => {
      if (WEB_PROCESS) res.setHeader('secsol-web-process', WEB_PROCESS);
      const url = new URL(req.url ?? '/', 'http://localhost');
      let route = 'unmatched';
      res.on('finish', () => metrics.requests.inc({ route, status: String(res.statusCode) }));
      try {
        if (deps.draining() && url.pathname !== '/healthz') {
          res.setHeader('connection', 'close');
          throw new AppError('secsol_unavailable', 'shutting down', { retryAfterSec: 1 });
        }
        if (url.pathname === '/slack/events' && deps.slack) {
          route = '/slack/events';
          await deps.slack(req, res);
          return;
        }
        const match = router.match(req.method ?? 'GET', url.pathname);
        if (match === null) throw new AppError('secsol_not_found', 'no such endpoint');
        if (match === 'bad-path')
          throw new AppError('secsol_invalid_request', 'the path is not valid URL encoding');
        if ('allow' in match) {
          const allow = match.allow.includes('GET') ? [...match.allow, 'HEAD'] : match.allow;
          sendError(res, new AppError('secsol_method_not_allowed', 'method not allowed on this endpoint'), {
            allow: allow.join(', '),
          });
          return;
        }
        route = match.name;
        await match.handler({ req, res, params: match.params, url });
      } catch (err) {
        if (err instanceof AppError) {
          if (err.status === 413) {
            sendTooLarge(
              req,
              res,
              JSON.stringify({ error: err.code, message: err.message }),
              'application/json',
            );
            return;
          }
          sendError(res, err);
        } else if (isStorageError(err) || deps.storageDown()) {
          logger.warn({ err: (err as Error).message, path: url.pathname }, 'storage unavailable');
          unavailable(res);
        } else {
          logger.error({ err, path: url.pathname, method: req.method }, 'request failed');
          internalError(res);
        }
      }
    },
  );
  // A flood of idle or slow connections must not exhaust the process's file descriptors.
  server.maxConnections = deps.maxConnections ?? MAX_CONNECTIONS;
  return server;
}
