/**
 * The web process's HTTP server: the public API, the probes, and Slack's `/slack/events` (handed to
 * the Slack adapter with its body already read under a limit). One error handler for all of it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { sendTooLarge } from './body.js';
import type { Metrics } from './metrics.js';
import { internalError, sendError, unavailable } from './respond.js';
import type { Router } from './router.js';

/** Handles a Slack request (commands, interactivity, events) given its raw body. */
export type SlackHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface ServerDeps {
  router: Router;
  logger: Logger;
  metrics: Metrics;
  slack?: SlackHandler;
  /** True while Redis is unusable: such failures answer 503 instead of 500. */
  storageDown: () => boolean;
  draining: () => boolean;
}

export function isStorageError(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: string };
  return (
    e?.name === 'MaxRetriesPerRequestError' ||
    /enableOfflineQueue|Connection is closed|Command timed out|ECONNREFUSED|OOM command not allowed|LOADING/.test(
      e?.message ?? '',
    )
  );
}

export function createHttpServer(deps: ServerDeps): Server {
  const { router, logger, metrics } = deps;
  const server = createServer(async (req, res) => {
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
      if (match === 'method') {
        sendError(res, new AppError('secsol_not_found', 'method not allowed on this endpoint'));
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
  });
  // Slow clients must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
