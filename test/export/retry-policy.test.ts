import { describe, expect, it } from 'vitest';
import {
  BACKOFF_CAP_MS,
  backoffDelay,
  parseRetryAfter,
  retryDelay,
  verdictFor,
} from '../../src/export/retry-policy.js';

describe('verdictFor', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [301, 'failed'],
    [307, 'failed'],
    [400, 'failed'],
    [401, 'failed'],
    [404, 'failed'],
    [408, 'failed'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
  ] as const)('answers %i with %s', (status, verdict) => {
    expect(verdictFor(status)).toBe(verdict);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base after each failure and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 1000))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(backoffDelay(13, 1000)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(1000, 1000)).toBe(BACKOFF_CAP_MS);
  });

  it('keeps retrying for at least a day with the defaults (1 s base, 1 h cap)', () => {
    let waited = 0;
    let attempts = 0;
    while (waited < 86_400_000) waited += backoffDelay(++attempts, 1000);
    // About 12 quick attempts, then one an hour: a day is a few dozen attempts, not thousands.
    expect(attempts).toBeGreaterThan(24);
    expect(attempts).toBeLessThan(40);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('ignores an absent or unreadable value', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('retryDelay', () => {
  it('honours Retry-After, never below the base nor beyond a day', () => {
    expect(retryDelay(1, 1000, 5000)).toBe(5000);
    expect(retryDelay(6, 1000, 5000)).toBe(5000);
    expect(retryDelay(1, 1000, 0)).toBe(1000);
    expect(retryDelay(1, 1000, 7 * 86_400_000)).toBe(86_400_000);
  });

  it('backs off exponentially without Retry-After', () => {
    expect(retryDelay(3, 1000, undefined)).toBe(4000);
  });
});
