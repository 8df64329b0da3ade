/** Maintenance windows through the admin API (docs/contract.md §10.1): create, list, end now. */
import { z } from 'zod';
import { parseDuration } from '../../domain/duration.js';
import { cronOf, isTimeZone, type MaintenanceWindow } from '../../domain/maintenance.js';
import { INVISIBLE, INVISIBLE_REASON } from '../../domain/text-rules.js';
import { AppError } from '../../errors.js';
import type { MaintenanceService } from '../../services/maintenance-service.js';
import { SOLUTION_ID_PATTERN } from '../../services/solution-service.js';
import type { Authenticator } from '../auth.js';
import { API_BODY_LIMIT, parseJsonBody, readBody } from '../body.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { validate } from '../schemas.js';

const instant = z.iso.datetime({ offset: true }).transform((v) => Date.parse(v));
const duration = z.string().transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'is not a duration like 90s, 15m, 2h or 14d' });
    return z.NEVER;
  }
  return ms;
});

export const maintenanceBody = z
  .object({
    solutions: z.union([
      z.literal('all'),
      z.array(z.string().regex(SOLUTION_ID_PATTERN, 'not a solution id')).min(1).max(500),
    ]),
    start: instant.optional(),
    end: instant.optional(),
    duration: duration.optional(),
    cron: z.string().max(120).optional(),
    timezone: z.string().max(64).refine(isTimeZone, 'is not an IANA time zone like Europe/Berlin').optional(),
    reason: z
      .string()
      .trim()
      .max(500)
      .refine((v) => !INVISIBLE.test(v), INVISIBLE_REASON),
  })
  .strict()
  .superRefine((b, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (b.cron !== undefined) {
      try {
        cronOf(b.cron, b.timezone ?? 'UTC');
      } catch {
        issue('cron', 'is not a five-field cron expression like "0 2 * * 6"');
      }
      if (b.duration === undefined) issue('duration', 'is required with cron');
      if (b.end !== undefined) issue('end', 'a recurring window lasts its duration: no end');
      return;
    }
    if ((b.end === undefined) === (b.duration === undefined)) issue('end', 'give either end or duration');
    if (b.end !== undefined && b.end <= (b.start ?? Date.now())) issue('end', 'must be after the start');
  });

export interface MaintenanceRouteDeps {
  auth: Authenticator;
  adminToken?: string;
  maintenance: MaintenanceService;
  now: () => number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function windowView(w: MaintenanceWindow, next: { start: number; end: number }[], now: number) {
  return {
    id: w.id,
    solutions: w.solutions,
    reason: w.reason,
    createdBy: w.createdBy,
    createdAt: iso(w.createdAt),
    start: iso(w.start),
    end: w.end === undefined ? null : iso(w.end),
    cron: w.cron ?? null,
    durationMs: w.durationMs ?? null,
    timezone: w.timezone,
    active: next.some((o) => o.start <= now && now < o.end),
    next: next.map((o) => ({ start: iso(o.start), end: iso(o.end) })),
  };
}

export function registerMaintenanceRoutes(router: Router, deps: MaintenanceRouteDeps): void {
  const admin = (req: Parameters<Authenticator['requireSecret']>[0]) =>
    deps.auth.requireSecret(req, deps.adminToken, 'admin');

  router.add('POST', '/api/v1/maintenance', async ({ req, res }) => {
    await admin(req);
    const body = validate(maintenanceBody, parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    const result = await deps.maintenance.create({ ...body, durationMs: body.duration }, 'admin-api');
    if (result.outcome === 'unknown') {
      throw new AppError('secsol_not_found', `no such solution: ${result.ids.slice(0, 10).join(', ')}`);
    }
    sendJson(res, 201, { id: result.window.id });
  });

  router.add('GET', '/api/v1/maintenance', async ({ req, res }) => {
    await admin(req);
    const now = deps.now();
    const list = await deps.maintenance.list();
    sendJson(res, 200, { windows: list.map((l) => windowView(l.window, l.next, now)) });
  });

  router.add('DELETE', '/api/v1/maintenance/:id', async ({ req, res, params }) => {
    await admin(req);
    const id = params.id ?? '';
    if (!/^mnt-[0-9a-f]{10}$/.test(id)) throw new AppError('secsol_not_found', 'no such maintenance window');
    const outcome = await deps.maintenance.end(id, 'admin-api');
    if (outcome === 'missing') throw new AppError('secsol_not_found', 'no such maintenance window');
    if (outcome === 'over') throw new AppError('secsol_conflict', 'the maintenance window is already over');
    res.writeHead(204).end();
  });
}
