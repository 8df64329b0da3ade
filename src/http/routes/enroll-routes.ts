/** Self-enrollment: a solution asks to be connected, then polls for the decision and its token. */
import { AppError } from '../../errors.js';
import type { ConnectionRequests } from '../../services/connection-requests.js';
import type { SolutionService } from '../../services/solution-service.js';
import type { EnrollmentRepository } from '../../storage/enrollment-repository.js';
import type { Authenticator } from '../auth.js';
import { API_BODY_LIMIT, parseJsonBody, readBody } from '../body.js';
import type { RateLimiter } from '../rate-limiter.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { enrollBody, validate } from '../schemas.js';
import { nameConflictAs409 } from './name-conflict.js';
import { enrollmentIdParam } from './params.js';

/** Rate-limit subject: one counter for the whole deployment (every web process, every client). */
const ENROLL_SUBJECT = 'enroll';
/** Retry-After when the pending cap is full: people decide at their pace, asking every second is noise. */
const BACKLOG_RETRY_AFTER_SEC = 60;

export interface EnrollRouteDeps {
  auth: Authenticator;
  service: SolutionService;
  requests: ConnectionRequests;
  enrollmentKey?: string;
  /** Counts the requests waiting for a decision (the pending cap). */
  enrollments: Pick<EnrollmentRepository, 'pendingCount'>;
  limiter: RateLimiter;
  /** SECSOL_ENROLL_RATE and SECSOL_ENROLL_MAX_PENDING. */
  bounds: { ratePerMinute: number; maxPending: number };
  now: () => number;
}

/**
 * Every enrollment posts an approval request that people must answer: a flood of them would bury the
 * approval channel (by default the alert channel). Both bounds are checked before anything is written,
 * so a refused request creates no solution and no request: first the pending cap (a read), then the rate
 * (a counted hit, so only requests that passed the cap use up the rate).
 */
async function admit(deps: EnrollRouteDeps): Promise<void> {
  const { maxPending, ratePerMinute } = deps.bounds;
  if ((await deps.enrollments.pendingCount(maxPending)) >= maxPending) {
    throw new AppError(
      'secsol_enrollment_backlog',
      `${maxPending} enrollment requests are waiting for a decision: approvers must decide pending requests before more can be made`,
      { retryAfterSec: BACKLOG_RETRY_AFTER_SEC },
    );
  }
  await deps.limiter.hit(
    ENROLL_SUBJECT,
    ratePerMinute,
    deps.now(),
    `too many enrollments: at most ${ratePerMinute} a minute`,
  );
}

export function registerEnrollRoutes(router: Router, deps: EnrollRouteDeps): void {
  router.add('POST', '/api/v1/enroll', async ({ req, res }) => {
    await deps.auth.requireSecret(req, deps.enrollmentKey, 'enrollment');
    const body = validate(enrollBody, parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    await admit(deps);
    const enrollment = await nameConflictAs409(deps.service.enroll(body, 'enrollment-api'));
    sendJson(res, 202, { enrollmentId: enrollment.id, status: 'pending' });
  });

  router.add('GET', '/api/v1/enroll/:enrollmentId', async ({ req, res, params }) => {
    await deps.auth.requireSecret(req, deps.enrollmentKey, 'enrollment');
    const result = await deps.requests.poll(enrollmentIdParam(params));
    if (!result) throw new AppError('secsol_not_found', 'no such enrollment');
    sendJson(res, 200, result);
  });
}
