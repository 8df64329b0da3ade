/**
 * One health report, sent the way a well-behaved client sends it: retried with exponential backoff and
 * full jitter (so a fleet of reporters does not hammer secsol in step after an outage), honouring
 * `Retry-After`, and never retried when the answer says retrying cannot help (a 4xx other than 429).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface Report {
  status: 'healthy' | 'unhealthy';
  message?: string;
  observedAt: string;
}

export interface SendOptions {
  url: string;
  solutionId: string;
  token: string;
  attempts: number;
  /** The first backoff; each retry doubles it, and the actual wait is a random share of it (full jitter). */
  backoffMs: number;
  timeoutMs: number;
  random?: () => number;
  log?: (line: string) => void;
}

export type SendOutcome = { ok: true; status: number } | { ok: false; status: number | null; reason: string };

const RETRYABLE = (status: number) => status === 429 || status >= 500;
const MAX_WAIT_MS = 5 * 60_000;

export async function sendReport(report: Report, opts: SendOptions): Promise<SendOutcome> {
  const random = opts.random ?? Math.random;
  const target = new URL(
    `api/v1/solutions/${encodeURIComponent(opts.solutionId)}/health`,
    withSlash(opts.url),
  );
  let last: SendOutcome = { ok: false, status: null, reason: 'not sent' };
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    let retryAfterMs: number | null = null;
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(report),
        signal: AbortSignal.timeout(opts.timeoutMs),
        redirect: 'error',
      });
      const text = await res.text();
      if (res.ok) return { ok: true, status: res.status };
      last = { ok: false, status: res.status, reason: reasonOf(text, res.status) };
      if (!RETRYABLE(res.status)) return last;
      const header = Number(res.headers.get('retry-after'));
      if (Number.isFinite(header) && header > 0) retryAfterMs = Math.min(header * 1000, MAX_WAIT_MS);
    } catch (err) {
      last = { ok: false, status: null, reason: (err as Error).message };
    }
    if (attempt === opts.attempts) break;
    const ceiling = Math.min(opts.backoffMs * 2 ** (attempt - 1), MAX_WAIT_MS);
    const waitMs = retryAfterMs ?? Math.round(random() * ceiling);
    opts.log?.(`attempt ${attempt} failed (${last.reason}); retrying in ${waitMs} ms`);
    await sleep(waitMs);
  }
  return last;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function reasonOf(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.message === 'string') return `${status} ${String(body.error)}: ${body.message}`;
  } catch {}
  return `HTTP ${status}`;
}
