/** Liveness, readiness and metrics. */
import type { StorageContext } from '../../storage/context.js';
import type { Metrics } from '../metrics.js';
import { openApiDocument } from '../openapi.js';
import { sendJson } from '../respond.js';
import type { Router } from '../router.js';

export interface ProbeRouteDeps {
  ctx: StorageContext;
  metrics: Metrics;
  heartbeatStaleMs: number;
  now: () => number;
  /** What the boot check learned about Redis's eviction policy. */
  evictionPolicy: () => 'ok' | 'unknown';
  draining: () => boolean;
  /** secsol's version, shown in the OpenAPI document. */
  version?: string;
}

export function registerProbeRoutes(router: Router, deps: ProbeRouteDeps): void {
  router.add('GET', '/healthz', async ({ res }) => {
    sendJson(res, 200, { status: 'ok' });
  });

  router.add('GET', '/readyz', async ({ res }) => {
    const checks: Record<string, string> = {};
    let ready = !deps.draining();
    if (deps.draining()) checks.process = 'shutting down';
    try {
      await deps.ctx.redis.ping();
      checks.redis = 'ok';
      const last = await deps.ctx.redis.get(deps.ctx.keys.heartbeat);
      const age = last === null ? null : deps.now() - Number(last);
      // A last tick far in the future means the clock stepped back since: only a new tick proves that
      // evaluation still runs.
      if (age === null || age > deps.heartbeatStaleMs || age < -deps.heartbeatStaleMs) {
        ready = false;
        checks.evaluation =
          age === null
            ? 'never ran'
            : age < 0
              ? `stale: last tick ${Math.round(-age / 1000)}s in the future (clock stepped back?)`
              : `stale: last tick ${Math.round(age / 1000)}s ago`;
      } else {
        checks.evaluation = 'ok';
      }
    } catch {
      ready = false;
      checks.redis = 'unreachable';
    }
    checks.evictionPolicy = deps.evictionPolicy() === 'ok' ? 'noeviction' : 'unknown (CONFIG disabled)';
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
  });

  let openApi: string | null = null;
  router.add('GET', '/api/v1/openapi.json', async ({ res }) => {
    openApi ??= JSON.stringify(openApiDocument(deps.version ?? '0.0.0'));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(openApi);
  });

  router.add('GET', '/metrics', async ({ res }) => {
    const body = await deps.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(body);
  });
}
