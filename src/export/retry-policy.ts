/**
 * How export reacts to a receiver's answer (pure): a 2xx ends a message's delivery; 5xx, 429 and no answer
 * (timeout, refused connection) are retried with exponential backoff, honouring 429's Retry-After; any
 * other status (4xx, and a redirect, which is never followed) fails the message for good: recorded, listed
 * and re-drivable by an operator.
 */

/** The longest single wait between two attempts. */
export const BACKOFF_CAP_MS = 3_600_000;

export type Verdict = 'delivered' | 'retry' | 'failed';

export function verdictFor(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429 || status >= 500) return 'retry';
  return 'failed';
}

/** The wait before attempt `failures + 1`: base, 2×base, 4×base … capped. */
export function backoffDelay(failures: number, baseMs: number, capMs = BACKOFF_CAP_MS): number {
  const exponent = Math.max(0, Math.min(failures - 1, 40));
  return Math.min(capMs, baseMs * 2 ** exponent);
}

/** Retry-After as milliseconds from `now` (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; Date.parse alone would read "-5" as a year.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * When to try again after a retryable failure: the receiver's Retry-After when it gave one (never sooner
 * than the base backoff, so a `Retry-After: 0` cannot make a busy loop, and never later than a day),
 * else the exponential backoff.
 */
export function retryDelay(failures: number, baseMs: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, baseMs), 86_400_000);
  return backoffDelay(failures, baseMs);
}
