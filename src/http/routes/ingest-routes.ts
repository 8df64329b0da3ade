/** POST /api/v1/solutions/:id/health and /events, authenticated by the solution's own token. */
import { AppError } from '../../errors.js';
import type { IngestService } from '../../services/ingest-service.js';
import type { Authenticator } from '../auth.js';
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
  const authorize = async (req: Parameters<Authenticator['requireSolutionToken']>[0], id: string) => {
    const tokenHash = await deps.auth.requireSolutionToken(req, id);
    await deps.limiter.hit(`token:${tokenHash}`, deps.ratePerMinute, deps.now());
  };
  const notConnected = (outcome: string) => {
    if (outcome === 'missing') throw new AppError('secsol_not_found', 'no such solution');
    if (outcome === 'not-connected') throw new AppError('secsol_conflict', 'the solution is not connected');
  };

  router.add('POST', '/api/v1/solutions/:id/health', async ({ req, res, params }) => {
    const id = solutionIdParam(params);
    await authorize(req, id);
    const body = validate(healthBody(deps.now), parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    const outcome = await deps.ingest.health(id, body);
    notConnected(outcome);
    sendJson(res, 202, { accepted: true, current: outcome === 'applied' });
  });

  router.add('POST', '/api/v1/solutions/:id/events', async ({ req, res, params }) => {
    const id = solutionIdParam(params);
    await authorize(req, id);
    const body = validate(eventsBody(deps.now), parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    const result = await deps.ingest.events(id, body.events);
    if (typeof result === 'string') {
      notConnected(result);
      return;
    }
    sendJson(res, 202, result);
  });
}
