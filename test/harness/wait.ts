/**
 * The only way tests wait: poll a condition until it holds. No fixed sleeps.
 *
 * The condition holds when `fn` returns (or resolves to) anything other than `undefined`, `null` or `false`.
 * A throw counts as "not yet": `waitUntil(() => { expect(x).toBe(1); return true; })` works. On timeout it
 * rejects with `message`, the last value and the last error.
 */
import { inspect } from 'node:util';

export interface WaitUntilOptions {
  /** Give up after this many ms. Default 10 000. */
  timeoutMs?: number;
  /** Poll every this many ms. Default 25. */
  intervalMs?: number;
  /** What was being waited for (goes first in the timeout error). */
  message?: string;
}

function describe(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: 120, maxArrayLength: 20, maxStringLength: 500 });
}

export async function waitUntil<T>(
  fn: () => T | Promise<T>,
  opts: WaitUntilOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let lastValue: unknown;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      lastValue = value;
      lastError = undefined;
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (err) {
      lastError = err;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
  }
  const parts = [
    `waitUntil timed out after ${timeoutMs} ms (${attempts} attempts): ${opts.message ?? 'condition not met'}`,
    `last value: ${describe(lastValue)}`,
  ];
  if (lastError !== undefined) {
    parts.push(`last error: ${lastError instanceof Error ? lastError.message : describe(lastError)}`);
  }
  throw new Error(parts.join('\n'), lastError === undefined ? undefined : { cause: lastError });
}
