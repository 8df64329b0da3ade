/**
 * One HTTP attempt to deliver an export message. Requests go only to the configured export URL: a
 * redirect is never followed (it fails the message, visibly), and each attempt is bounded by a timeout.
 */
import { parseRetryAfter, type Verdict, verdictFor } from './retry-policy.js';
import type { WebhookHeaders } from './signature.js';

export type SendOutcome =
  | { verdict: 'delivered'; status: number }
  | { verdict: Exclude<Verdict, 'delivered'>; error: string; status?: number; retryAfterMs?: number };

/** How much of a refusing receiver's answer is kept in the error (it is shown to operators). */
const ERROR_BODY_BYTES = 200;

export async function postWebhook(
  url: string,
  headers: WebhookHeaders,
  body: string,
  opts: { timeoutMs: number; now: () => number },
): Promise<SendOutcome> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'secsol-export' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    return { verdict: 'retry', error: describeNetworkError(err, opts.timeoutMs) };
  }
  const verdict = verdictFor(res.status);
  if (verdict === 'delivered') {
    await res.body?.cancel().catch(() => undefined);
    return { verdict, status: res.status };
  }
  const snippet = await readSnippet(res);
  const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : '';
  return {
    verdict,
    status: res.status,
    error: `HTTP ${res.status}${redirect}${snippet ? `: ${snippet}` : ''}`,
    retryAfterMs:
      res.status === 429 ? parseRetryAfter(res.headers.get('retry-after'), opts.now()) : undefined,
  };
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed';
}

/** The start of the receiver's answer, on one line, without reading more than a few hundred bytes. */
async function readSnippet(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done || !value) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A broken answer body still leaves the status to report.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8');
  return text.replace(/\s+/g, ' ').trim();
}
