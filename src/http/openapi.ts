/**
 * The HTTP API described as OpenAPI 3.1, generated from the same zod schemas that validate the requests
 * (zod's JSON Schema output), served at `GET /api/v1/openapi.json`. `checkDocumented` runs when the web
 * process starts: a route without a description here, or a description without a route, stops it, so the
 * document can never drift from the router.
 */
import { z } from 'zod';
import { solutionsQuery } from './routes/admin-routes.js';
import { auditQuery } from './routes/audit-routes.js';
import { maintenanceBody } from './routes/maintenance-routes.js';
import { createSolutionBody, enrollBody, eventsBody, healthBody } from './schemas.js';

type Auth = 'admin' | 'enrollment' | 'solution' | 'none';

interface Operation {
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  /** Query parameters, as one zod object. */
  query?: z.ZodObject;
  /** Status → description of the answers this operation gives (errors share one schema). */
  responses: Record<number, string>;
}

const ERRORS = { 400: 'Invalid request', 401: 'Missing or invalid credentials', 429: 'Too many requests' };

/** Every route of the public API, keyed `METHOD /path/:param` exactly as it is registered. */
export const OPERATIONS: Record<string, Operation> = {
  'POST /api/v1/enroll': {
    summary: 'A solution asks to be connected; an approval request is posted to Slack',
    auth: 'enrollment',
    body: enrollBody,
    responses: {
      202: '`{ enrollmentId, status: "pending" }`',
      409: 'A solution with this name exists: `{ error, message, existingId }`',
      ...ERRORS,
      429: 'Too many enrollments this minute (`secsol_rate_limited`, SECSOL_ENROLL_RATE), or too many waiting for a decision (`secsol_enrollment_backlog`, SECSOL_ENROLL_MAX_PENDING): nothing was created; see `Retry-After`',
    },
  },
  'GET /api/v1/enroll/:enrollmentId': {
    summary: 'The decision on an enrollment; the token is returned once, on the first read after approval',
    auth: 'enrollment',
    responses: {
      200: '`{ status: "pending" | "approved" | "denied" | "cancelled", solutionId?, token? }`',
      404: 'No such enrollment',
      ...ERRORS,
    },
  },
  'POST /api/v1/enroll/:enrollmentId/approve': {
    summary: 'Approve an enrollment (the same decision as the Slack button)',
    auth: 'admin',
    responses: { 200: '`{ status }`', 404: 'No such enrollment', 409: 'Already decided', ...ERRORS },
  },
  'POST /api/v1/enroll/:enrollmentId/deny': {
    summary: 'Deny an enrollment (the same decision as the Slack button)',
    auth: 'admin',
    responses: { 200: '`{ status }`', 404: 'No such enrollment', 409: 'Already decided', ...ERRORS },
  },
  'POST /api/v1/solutions/:id/health': {
    summary: "A health report from the solution, with the solution's own token",
    auth: 'solution',
    body: healthBody(Date.now),
    responses: {
      202: '`{ accepted, current }`',
      403: "Another solution's token",
      404: 'No such solution',
      409: 'Not connected',
      413: 'Body over 256 KiB',
      415: 'Not JSON in UTF-8',
      ...ERRORS,
    },
  },
  'POST /api/v1/solutions/:id/events': {
    summary: 'Security events from the solution (1 to 500), de-duplicated by id',
    auth: 'solution',
    body: eventsBody(Date.now),
    responses: {
      202: '`{ accepted, duplicates }`',
      403: "Another solution's token",
      404: 'No such solution',
      409: 'Not connected',
      413: 'Body over 256 KiB',
      415: 'Not JSON in UTF-8',
      ...ERRORS,
    },
  },
  'GET /api/v1/solutions': {
    summary:
      'Every solution with its lifecycle, state, reason, last report, last event and next due time, a page at a ' +
      'time (follow `nextCursor` until it is null); with `state`, the connected solutions in that state',
    auth: 'admin',
    query: solutionsQuery,
    responses: { 200: '`{ solutions: [...], nextCursor }`', ...ERRORS },
  },
  'POST /api/v1/solutions': {
    summary: 'Create a connected solution; its token is returned once',
    auth: 'admin',
    body: createSolutionBody,
    responses: {
      201: '`{ id, token }`',
      409: 'A solution with this name exists: `{ error, message, existingId }`',
      ...ERRORS,
    },
  },
  'GET /api/v1/solutions/:id': {
    summary:
      'One solution, its recent flips and its 7- and 30-day availability (0–1, or null before any history)',
    auth: 'admin',
    responses: { 200: 'The solution', 404: 'No such solution', ...ERRORS },
  },
  'DELETE /api/v1/solutions/:id': {
    summary: 'Delete a solution; its token is revoked',
    auth: 'admin',
    responses: { 204: 'Deleted', 404: 'No such solution', ...ERRORS },
  },
  'POST /api/v1/solutions/:id/token': {
    summary: 'Rotate the solution token; the old one stops working',
    auth: 'admin',
    responses: { 200: '`{ token }`', 404: 'No such solution', ...ERRORS },
  },
  'GET /api/v1/deliveries/failed': {
    summary: 'Deliveries Slack refused for good',
    auth: 'admin',
    responses: { 200: '`{ failures: [...] }`', ...ERRORS },
  },
  'POST /api/v1/deliveries/:itemId/retry': {
    summary: 'Send a failed delivery again',
    auth: 'admin',
    responses: { 202: 'Queued again', 404: 'No such delivery', 409: 'It did not fail', ...ERRORS },
  },
  'POST /api/v1/maintenance': {
    summary:
      'Start or schedule a maintenance window: one-off (start?, end or duration) or recurring (cron, duration, timezone); alerts of its solutions are held and released once at its end',
    auth: 'admin',
    body: maintenanceBody,
    responses: { 201: '`{ id }`', 404: 'No such solution', ...ERRORS },
  },
  'GET /api/v1/maintenance': {
    summary: 'Active and upcoming maintenance windows, with their next occurrences',
    auth: 'admin',
    responses: {
      200: '`{ windows: [{ id, solutions, reason, createdBy, start, end, cron, durationMs, timezone, active, next: [{ start, end }] }] }`',
      ...ERRORS,
    },
  },
  'DELETE /api/v1/maintenance/:id': {
    summary: 'End a maintenance window now (and its recurrence), releasing the alerts it held',
    auth: 'admin',
    responses: { 204: 'Ended', 404: 'No such window', 409: 'Already over', ...ERRORS },
  },
  'GET /api/v1/audit': {
    summary: 'The audit trail, newest first: who did what, when; filter by solution or actor; paged',
    auth: 'admin',
    query: auditQuery,
    responses: {
      200: '`{ entries: [{ id, at, actor, action, solutionId?, outcome, detail? }], nextCursor }`',
      ...ERRORS,
    },
  },
  'GET /api/v1/openapi.json': {
    summary: 'This document',
    auth: 'none',
    responses: { 200: 'The OpenAPI 3.1 document' },
  },
  'GET /healthz': { summary: 'The process is up', auth: 'none', responses: { 200: '`{ status: "ok" }`' } },
  'GET /readyz': {
    summary: 'Redis reachable and a worker evaluating',
    auth: 'none',
    responses: { 200: 'Ready, with the checks', 503: 'Not ready, with the checks' },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics (text format)',
    auth: 'none',
    responses: { 200: 'Metrics' },
  },
};

const SECURITY: Record<Exclude<Auth, 'none'>, string> = {
  admin: 'adminToken',
  enrollment: 'enrollmentKey',
  solution: 'solutionToken',
};

const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'A code such as secsol_invalid_request' },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** Throws, naming each one, when the registered routes and the described operations differ. */
export function checkDocumented(routes: { method: string; path: string }[]): void {
  const registered = new Set(routes.map((r) => `${r.method} ${r.path}`));
  const undocumented = [...registered].filter((r) => !(r in OPERATIONS));
  const missing = Object.keys(OPERATIONS).filter((op) => !registered.has(op));
  if (undocumented.length > 0 || missing.length > 0) {
    throw new Error(
      `the OpenAPI document and the router differ: undocumented ${JSON.stringify(undocumented)}, documented but not registered ${JSON.stringify(missing)}`,
    );
  }
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, op] of Object.entries(OPERATIONS)) {
    const [method = '', path = ''] = key.split(' ');
    const params = [...path.matchAll(/:([a-zA-Z]+)/g)].map((m) => ({
      name: m[1] as string,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (op.query) {
      const schema = z.toJSONSchema(op.query, { io: 'input', target: 'draft-2020-12' }) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        params.push({
          name,
          in: 'query',
          required: schema.required?.includes(name) ?? false,
          schema: property as { type: string },
        });
      }
    }
    const openApiPath = path.replace(/:([a-zA-Z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(op.responses)) {
      responses[status] =
        Number(status) >= 400
          ? {
              description,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
            }
          : { description };
    }
    paths[openApiPath] ??= {};
    (paths[openApiPath] as Record<string, unknown>)[method.toLowerCase()] = {
      summary: op.summary,
      operationId: `${method.toLowerCase()}${openApiPath.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(op.auth === 'none' ? { security: [] } : { security: [{ [SECURITY[op.auth]]: [] }] }),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                // The input side: what a client sends (durations and times as strings), not what we parse it into.
                'application/json': {
                  schema: z.toJSONSchema(op.body, { io: 'input', target: 'draft-2020-12' }),
                },
              },
            },
          }
        : {}),
      responses,
    };
  }
  const bearer = (description: string) => ({ type: 'http', scheme: 'bearer', description });
  return {
    openapi: '3.1.0',
    info: {
      title: 'secsol',
      version,
      description: 'Health reports, security events, enrollment and administration of secsol.',
    },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        adminToken: bearer('SECSOL_ADMIN_TOKEN'),
        enrollmentKey: bearer('SECSOL_ENROLLMENT_KEY'),
        solutionToken: bearer("The solution's own token (secsol_…), valid for its own routes only"),
      },
    },
  };
}
