/**
 * The startup grace: silence while secsol itself could not receive reports is not held against anyone.
 * Liveness counts from the later of the last report and `reportingSince`.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, type HealthPolicy } from '../../src/domain/health.js';
import type { HealthFacts } from '../../src/domain/model.js';

const HOUR = 3_600_000;
const base: HealthPolicy = {
  every: HOUR,
  grace: 15 * 60_000,
  silenceWindow: 14 * 24 * HOUR,
  unhealthyThreshold: 1,
};
const t0 = 1_800_000_000_000;
const facts: HealthFacts = {
  connectedAt: t0 - 100 * HOUR,
  lastHealthAt: t0,
  lastHealthStatus: 'healthy',
  unhealthyStreak: 0,
  lastEventAt: null,
};

describe('when secsol was unavailable after the last report', () => {
  const upSince = t0 + 5 * HOUR;
  const policy = { ...base, reportingSince: upSince };
  const limit = upSince + base.every + base.grace;

  it.each([
    ['just back', upSince, 'healthy'],
    ['just before the cadence from coming back', limit - 1, 'healthy'],
    ['at the cadence from coming back', limit, 'healthy'],
    ['just after it', limit + 1, 'stopped_reporting'],
  ])('%s: is %s', (_label, now, state) => {
    expect(evaluate(facts, policy, now).state).toBe(state);
  });

  it('changes state exactly at its deadline, and still tells the real age of the last report', () => {
    const judged = evaluate(facts, policy, upSince + 1000);
    expect(judged.deadline).toBe(limit + 1);
    const stale = evaluate(facts, policy, limit + 1);
    expect(stale.reason).toContain('last health report 6h 15m ago');
  });
});

describe('when secsol was available all along (reportingSince before the last report)', () => {
  it('judges exactly as without a grace', () => {
    const policy = { ...base, reportingSince: t0 - 10 * HOUR };
    for (const now of [t0, t0 + HOUR + 15 * 60_000, t0 + HOUR + 15 * 60_000 + 1, t0 + 5 * HOUR]) {
      expect(evaluate(facts, policy, now)).toEqual(evaluate(facts, base, now));
    }
  });
});
