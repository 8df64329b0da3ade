/** Self-enrollment: a solution asks to be connected, then polls for the decision and its token. */
import { AppError } from '../../errors.js';
import type { SolutionService } from '../../services/solution-service.js';
import type { Authenticator } from '../auth.js';
import { API_BODY_LIMIT, parseJsonBody, readBody } from '../body.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { enrollBody, validate } from '../schemas.js';
import { nameConflictAs409 } from './name-conflict.js';
import { enrollmentIdParam } from './params.js';

export interface EnrollRouteDeps {
  auth: Authenticator;
  service: SolutionService;
  enrollmentKey?: string;
}

export function registerEnrollRoutes(router: Router, deps: EnrollRouteDeps): void {
  router.add('POST', '/api/v1/enroll', async ({ req, res }) => {
    await deps.auth.requireSecret(req, deps.enrollmentKey, 'enrollment');
    const body = validate(enrollBody, parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    const enrollment = await nameConflictAs409(deps.service.enroll(body, 'enrollment-api'));
    sendJson(res, 202, { enrollmentId: enrollment.id, status: 'pending' });
  });

  router.add('GET', '/api/v1/enroll/:enrollmentId', async ({ req, res, params }) => {
    await deps.auth.requireSecret(req, deps.enrollmentKey, 'enrollment');
    const result = await deps.service.poll(enrollmentIdParam(params));
    if (!result) throw new AppError('secsol_not_found', 'no such enrollment');
    sendJson(res, 200, result);
  });
}
