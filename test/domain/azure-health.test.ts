/**
 * The health rules for solutions read from Defender for Cloud: the connector's own grace (its silence is
 * not theirs), and a solution Azure no longer lists.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, type HealthPolicy, policyFor, withReportingSince } from '../../src/domain/health.js';
import type { HealthFacts } from '../../src/domain/model.js';

const MIN = 60_000;
const base: HealthPolicy = {
  every: 5 * MIN,
  grace: 10 * MIN,
  silenceWindow: 14 * 1440 * MIN,
  unhealthyThreshold: 1,
};
const t0 = 1_800_000_000_000;
const facts: HealthFacts = {
  connectedAt: t0 - 1440 * MIN,
  lastHealthAt: t0,
  lastHealthStatus: 'healthy',
  unhealthyStreak: 0,
  lastEventAt: null,
};

describe('the Defender for Cloud connector grace', () => {
  const later = t0 + 60 * MIN; // an hour without a report: stale for anyone without a grace
  const defaults = withReportingSince(base, undefined, later);

  it('applies to solutions read from Azure only', () => {
    expect(evaluate(facts, policyFor({ source: 'azure' }, defaults), later).state).toBe('healthy');
    expect(evaluate(facts, policyFor({ source: 'push' }, defaults), later).state).toBe('stopped_reporting');
    expect(evaluate(facts, policyFor({}, defaults), later).state).toBe('stopped_reporting');
  });

  it('runs out like any cadence once the connector reads again and the solution still does not report', () => {
    const policy = policyFor({ source: 'azure' }, defaults);
    expect(evaluate(facts, policy, later + 15 * MIN).state).toBe('healthy');
    expect(evaluate(facts, policy, later + 15 * MIN + 1).state).toBe('stopped_reporting');
  });

  it('takes the later of secsol’s own grace and the connector’s', () => {
    const both = withReportingSince(base, later + 30 * MIN, later);
    expect(policyFor({ source: 'azure' }, both).reportingSince).toBe(later + 30 * MIN);
    expect(policyFor({ source: 'push' }, both).reportingSince).toBe(later + 30 * MIN);
    expect(withReportingSince(base, undefined, undefined)).toBe(base);
  });
});

describe('a solution Azure no longer lists', () => {
  it('is Stopped reporting at once, saying so, and is not looked at again until something changes', () => {
    const judged = evaluate({ ...facts, unlistedAt: t0 + MIN }, base, t0 + 3 * MIN);
    expect(judged).toEqual({
      state: 'stopped_reporting',
      reason: 'Defender for Cloud no longer lists it (since 2m ago); last heard of 3m ago',
      nextDueAt: null,
      deadline: null,
    });
  });

  it('is judged as before when the mark is cleared', () => {
    expect(evaluate({ ...facts, unlistedAt: null }, base, t0 + MIN).state).toBe('healthy');
  });
});
