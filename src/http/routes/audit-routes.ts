/** GET /api/v1/audit: the audit trail for automation and review, newest first, paged with a cursor. */
import { z } from 'zod';
import { SOLUTION_ID_PATTERN } from '../../services/solution-service.js';
import { type AuditRepository, isAuditCursor } from '../../storage/audit-repository.js';
import type { Authenticator } from '../auth.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { validate } from '../schemas.js';

export interface AuditRouteDeps {
  auth: Authenticator;
  audit: AuditRepository;
  adminToken?: string;
}

export const auditQuery = z
  .object({
    solution: z.string().regex(SOLUTION_ID_PATTERN, 'not a solution id').optional(),
    actor: z.string().min(1).max(200).optional(),
    cursor: z.string().refine(isAuditCursor, 'not a cursor from a previous page').optional(),
    limit: z.coerce.number<string>().int().min(1).max(200).default(50),
  })
  .strict();

export function registerAuditRoutes(router: Router, deps: AuditRouteDeps): void {
  router.add('GET', '/api/v1/audit', async ({ req, res, url }) => {
    await deps.auth.requireSecret(req, deps.adminToken, 'admin');
    const query = validate(auditQuery, Object.fromEntries(url.searchParams));
    const page = await deps.audit.page({
      solutionId: query.solution,
      actor: query.actor,
      cursor: query.cursor,
      limit: query.limit,
    });
    sendJson(res, 200, {
      entries: page.entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
      nextCursor: page.nextCursor,
    });
  });
}
