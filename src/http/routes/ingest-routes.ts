/**
 * POST /api/v1/solutions/:id/health and /events, authenticated by the solution's own token.
 *
 * One Redis round trip per request on the success path: the token lookup, its constant-time comparison,
 * the per-token rate limit and the write run in one script (the gate of storage/lua/ingestHealth and
 * ingestEvents). So the body is read (under its limit) before the token is known; a request whose body is
 * refused takes the full check first, so 401, 403 and 429 still come before 400, 413 and 415, and a
 * request without a well-formed bearer token is refused before its body is read.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { AppError } from '../../errors.js';
import type { IngestService } from '../../services/ingest-service.js';
import { hashToken } from '../../services/tokens.js';
import { type Authenticator, bearer } from '../auth.js';
import { API_BODY_LIMIT, parseJsonBody, readBody } from '../body.js';
import type { RateLimiter } from '../rate-limiter.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { eventsBody, healthBody, validate } from '../schemas.js';
import { solutionIdParam } from './params.js';

export interface IngestRouteDeps {
  auth: Authenticator;
  limiter: RateLimiter;
  ingest: IngestService;
  ratePerMinute: number;
  now: () => number;
}

export function registerIngestRoutes(router: Router, deps: IngestRouteDeps): void {
  const { auth, limiter, ingest } = deps;
  // Built once: the schemas read the clock when they validate, not when they are built.
  const healthSchema = healthBody(deps.now);
  const eventsSchema = eventsBody(deps.now);

  /** The full check (token, then rate limit), for requests that will not reach the write. */
  const authorize = async (req: IncomingMessage, id: string) => {
    const tokenHash = await auth.requireSolutionToken(req, id);
    await limiter.hit(`token:${tokenHash}`, deps.ratePerMinute, deps.now());
  };

  /** The presented token and the validated body; any refusal of the body only after the full check. */
  async function gated<S extends z.ZodType>(req: IncomingMessage, id: string, schema: S) {
    const token = bearer(req);
    if (token === null) return auth.refused(req, id, null, 'unauthorized');
    let body: z.output<S>;
    try {
      body = validate(schema, parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    } catch (err) {
      await authorize(req, id);
      throw err;
    }
    const gate = { tokenHash: hashToken(token), limit: deps.ratePerMinute, windowMs: limiter.windowMs };
    return { token, body, gate };
  }

  function notConnected(outcome: 'missing' | 'not-connected'): never {
    if (outcome === 'missing') throw new AppError('secsol_not_found', 'no such solution');
    throw new AppError('secsol_conflict', 'the solution is not connected');
  }

  router.add('POST', '/api/v1/solutions/:id/health', async ({ req, res, params }) => {
    const id = solutionIdParam(params);
    const { token, body, gate } = await gated(req, id, healthSchema);
    const outcome = await ingest.health(id, body, gate);
    if (outcome === 'applied' || outcome === 'history-only') {
      sendJson(res, 202, { accepted: true, current: outcome === 'applied' });
    } else if (outcome === 'missing' || outcome === 'not-connected') notConnected(outcome);
    else await auth.refused(req, id, token, outcome);
  });

  router.add('POST', '/api/v1/solutions/:id/events', async ({ req, res, params }) => {
    const id = solutionIdParam(params);
    const { token, body, gate } = await gated(req, id, eventsSchema);
    const result = await ingest.events(id, body.events, gate);
    if (result === 'missing' || result === 'not-connected') notConnected(result);
    if (typeof result === 'string' || 'retryAfterMs' in result) return auth.refused(req, id, token, result);
    sendJson(res, 202, result);
  });
}
