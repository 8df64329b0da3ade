/** The admin API, for automation: list, inspect, create, rotate, delete, and decide enrollments. */

import { z } from 'zod';
import type { HealthPolicy } from '../../domain/health.js';
import { evaluate, policyFor, withReportingSince } from '../../domain/health.js';
import { HEALTH_STATES } from '../../domain/model.js';
import { AppError } from '../../errors.js';
import type { AvailabilityService } from '../../services/availability-service.js';
import type { ConnectionRequests } from '../../services/connection-requests.js';
import type { DeliveryService } from '../../services/delivery-service.js';
import type { SolutionService } from '../../services/solution-service.js';
import type { StatusService } from '../../services/status-service.js';
import type { FlipRepository } from '../../storage/flip-repository.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import type { SolutionRepository } from '../../storage/solution-repository.js';
import type { Authenticator } from '../auth.js';
import { API_BODY_LIMIT, parseJsonBody, readBody } from '../body.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { createSolutionBody, validate } from '../schemas.js';
import { nameConflictAs409 } from './name-conflict.js';
import { enrollmentIdParam, solutionIdParam } from './params.js';

export interface AdminRouteDeps {
  auth: Authenticator;
  service: SolutionService;
  requests: ConnectionRequests;
  solutions: SolutionRepository;
  flips: FlipRepository;
  adminToken?: string;
  defaults: HealthPolicy;
  now: () => number;
  /** Since when reports could be received (startup grace). */
  reportingSince?: (now: number) => Promise<number | undefined>;
  /** Since when the Defender for Cloud connector has read Azure without a gap (its grace); none when off. */
  azureSince?: (now: number) => Promise<number | undefined>;
  deliveries: DeliveryService;
  availability: AvailabilityService;
  /** The status read model (the list filtered by state). */
  status: StatusService;
}

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** A solution as the API shows it: its configuration plus its state judged now. */
export function solutionView(rec: SolutionRecord, defaults: HealthPolicy, now: number) {
  const s = rec.solution;
  const policy = policyFor(s, defaults);
  const judged = s.lifecycle === 'connected' ? evaluate(rec.facts, policy, now) : null;
  return {
    id: s.id,
    name: s.name,
    vendor: s.vendor,
    family: s.family,
    source: s.source,
    description: s.description ?? null,
    consoleUrl: s.consoleUrl ?? null,
    owner: s.owner ?? null,
    alertChannel: s.alertChannel ?? null,
    linkedResources: s.linkedResources,
    lifecycle: s.lifecycle,
    expectedEvery: policy.every,
    grace: policy.grace,
    unhealthyThreshold: policy.unhealthyThreshold,
    state: judged?.state ?? null,
    reason: judged?.reason ?? null,
    lastHealthAt: iso(rec.facts.lastHealthAt),
    lastHealthStatus: rec.facts.lastHealthStatus,
    lastHealthMessage: rec.lastHealthMessage ?? null,
    lastEventAt: iso(rec.facts.lastEventAt),
    nextDueAt: iso(judged?.nextDueAt),
    connectedAt: iso(s.connectedAt),
    createdAt: iso(s.createdAt),
    snoozedUntil:
      rec.snoozedUntil === undefined
        ? null
        : rec.snoozedUntil === Infinity
          ? 'recovered'
          : iso(rec.snoozedUntil),
    version: s.version,
    // Read from Defender for Cloud: where from, and since when Azure no longer lists it (if it does not).
    ...(s.source === 'azure' ? { azureId: s.azureId ?? null, unlistedAt: iso(rec.facts.unlistedAt) } : {}),
  };
}

/** The list's query: a state (connected solutions in it, worst first) and a cursor from the last page. */
export const solutionsQuery = z
  .object({
    state: z.enum(HEALTH_STATES).optional(),
    cursor: z.string().min(1).max(100).optional(),
    limit: z.coerce.number<string>().int().min(1).max(1000).default(500),
  })
  .strict();
const INDEX_CURSOR = /^[0-9]:[a-z0-9][a-z0-9-]{0,63}$/;
const SCAN_CURSOR = /^[0-9]{1,20}$/;

export function registerAdminRoutes(router: Router, deps: AdminRouteDeps): void {
  const defaultsAt = async (now: number): Promise<HealthPolicy> => {
    const [reportingSince, azureSince] = await Promise.all([
      deps.reportingSince?.(now),
      deps.azureSince?.(now),
    ]);
    return withReportingSince(deps.defaults, reportingSince, azureSince);
  };
  const admin = (req: Parameters<Authenticator['requireSecret']>[0]) =>
    deps.auth.requireSecret(req, deps.adminToken, 'admin');

  router.add('GET', '/api/v1/solutions', async ({ req, res, url }) => {
    await admin(req);
    const query = validate(solutionsQuery, Object.fromEntries(url.searchParams));
    if (query.state) {
      // Connected solutions in one state (judged now), from the status read model: O(page).
      if (query.cursor !== undefined && !INDEX_CURSOR.test(query.cursor))
        throw new AppError('secsol_invalid_request', 'cursor: not a cursor from a previous page');
      const page = await deps.status.page({ state: query.state, after: query.cursor, limit: query.limit });
      const defaults = await defaultsAt(page.now);
      sendJson(res, 200, {
        solutions: page.page.map((j) => solutionView(j.record, defaults, page.now)),
        nextCursor: page.nextCursor,
      });
      return;
    }
    // Every solution (any lifecycle), a page at a time (SSCAN): by id within a page.
    if (query.cursor !== undefined && !SCAN_CURSOR.test(query.cursor))
      throw new AppError('secsol_invalid_request', 'cursor: not a cursor from a previous page');
    const { ids, next } = await deps.solutions.scanIds(query.cursor ?? '0', query.limit);
    const now = deps.now();
    const records = (await deps.solutions.getMany(ids)).filter(
      (r): r is SolutionRecord => !!r && !(r instanceof Error),
    );
    records.sort((a, b) => a.solution.id.localeCompare(b.solution.id));
    const defaults = await defaultsAt(now);
    sendJson(res, 200, {
      solutions: records.map((r) => solutionView(r, defaults, now)),
      nextCursor: next === '0' ? null : next,
    });
  });

  router.add('POST', '/api/v1/solutions', async ({ req, res }) => {
    await admin(req);
    const body = validate(createSolutionBody, parseJsonBody(req, await readBody(req, API_BODY_LIMIT)));
    const { solution, token } = await nameConflictAs409(
      deps.service.createConnected({ ...body, every: body.expectedEvery, grace: body.grace }, 'admin-api'),
    );
    sendJson(res, 201, { id: solution.id, token });
  });

  router.add('GET', '/api/v1/solutions/:id', async ({ req, res, params }) => {
    await admin(req);
    const id = solutionIdParam(params);
    const rec = await deps.solutions.get(id);
    if (!rec) throw new AppError('secsol_not_found', 'no such solution');
    const flips = await deps.flips.recent(id, 20);
    const now = deps.now();
    sendJson(res, 200, {
      ...solutionView(rec, await defaultsAt(now), now),
      // Share of judged time Healthy, maintenance excluded (docs/contract.md §10.3); null when not connected.
      availability: (await deps.availability.of(rec)) ?? { '7d': null, '30d': null },
      flips: flips.map((f) => ({
        id: f.id,
        from: f.from,
        to: f.to,
        at: iso(f.at),
        reason: f.reason,
        delivery: f.delivery,
      })),
    });
  });

  router.add('POST', '/api/v1/solutions/:id/token', async ({ req, res, params }) => {
    await admin(req);
    const token = await deps.service.rotateToken(solutionIdParam(params), 'admin-api');
    if (!token) throw new AppError('secsol_not_found', 'no such solution');
    sendJson(res, 200, { token });
  });

  router.add('DELETE', '/api/v1/solutions/:id', async ({ req, res, params }) => {
    await admin(req);
    if (!(await deps.service.delete(solutionIdParam(params), 'admin-api'))) {
      throw new AppError('secsol_not_found', 'no such solution');
    }
    res.writeHead(204).end();
  });

  router.add('GET', '/api/v1/deliveries/failed', async ({ req, res }) => {
    await admin(req);
    sendJson(res, 200, { failures: await deps.deliveries.failures() });
  });

  router.add('POST', '/api/v1/deliveries/:itemId/retry', async ({ req, res, params }) => {
    await admin(req);
    const itemId = params.itemId ?? '';
    // Slack deliveries (flip-, dig-, …) and export messages (msg_…) alike.
    if (!/^((flip|dig|evb|enr|ops|rem|esc|mnt)-[A-Za-z0-9_.-]{1,200}|msg_[0-9a-f]{32})$/.test(itemId)) {
      throw new AppError('secsol_not_found', 'no such delivery');
    }
    const outcome = await deps.deliveries.retry(itemId, 'admin-api');
    if (outcome === 'missing') throw new AppError('secsol_not_found', 'no such delivery');
    if (outcome === 'not-failed')
      throw new AppError('secsol_conflict', 'only a failed delivery can be retried');
    sendJson(res, 202, { status: 'queued' });
  });

  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const) {
    router.add('POST', `/api/v1/enroll/:enrollmentId/${verb}`, async ({ req, res, params }) => {
      await admin(req);
      const result = await deps.requests.decide(enrollmentIdParam(params), decision, 'admin-api');
      if (result.status === 'missing') throw new AppError('secsol_not_found', 'no such enrollment');
      if (!result.applied) {
        throw new AppError('secsol_conflict', `the enrollment was already ${result.status}`);
      }
      sendJson(res, 200, { status: result.status });
    });
  }
}
