import { describe, expect, it } from 'vitest';
import { evaluate, flipKind, type HealthPolicy, policyFor } from '../../src/domain/health.js';
import type { HealthFacts, HealthState } from '../../src/domain/model.js';

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const EVERY = HOUR;
const GRACE = 15 * MIN;
const WINDOW = 14 * DAY;
/** every + grace: the last millisecond at which a report is still fresh. */
const FRESH = EVERY + GRACE;

/** An arbitrary fixed instant; every `now` below is this plus a plain number. */
const T0 = 1_700_000_000_000;

const POLICY: HealthPolicy = { every: EVERY, grace: GRACE, silenceWindow: WINDOW, unhealthyThreshold: 1 };

function policy(overrides: Partial<HealthPolicy> = {}): HealthPolicy {
  return { ...POLICY, ...overrides };
}

/** Connected long ago (well past the window) with nothing received, unless overridden. */
function facts(overrides: Partial<HealthFacts> = {}): HealthFacts {
  return {
    connectedAt: T0 - 100 * DAY,
    lastHealthAt: null,
    lastHealthStatus: null,
    unhealthyStreak: 0,
    lastEventAt: null,
    ...overrides,
  };
}

const healthyAtT0 = facts({ lastHealthAt: T0, lastHealthStatus: 'healthy', unhealthyStreak: 0 });
const unhealthyAtT0 = (streak: number) =>
  facts({ lastHealthAt: T0, lastHealthStatus: 'unhealthy', unhealthyStreak: streak });

describe('evaluate', () => {
  describe('when the last health report is healthy', () => {
    it.each([
      { after: 0, state: 'healthy' },
      { after: 5 * MIN, state: 'healthy' },
      { after: EVERY, state: 'healthy' },
      { after: FRESH - 1, state: 'healthy' },
      { after: FRESH, state: 'healthy' },
      { after: FRESH + 1, state: 'stopped_reporting' },
      { after: 3 * HOUR, state: 'stopped_reporting' },
      { after: 30 * DAY, state: 'stopped_reporting' },
    ] as const)('$after ms after the report it is $state', ({ after, state }) => {
      expect(evaluate(healthyAtT0, POLICY, T0 + after).state).toBe(state);
    });

    it('is due again one interval after the report', () => {
      expect(evaluate(healthyAtT0, POLICY, T0 + 5 * MIN).nextDueAt).toBe(T0 + EVERY);
    });

    it('changes state at the first millisecond past every + grace', () => {
      expect(evaluate(healthyAtT0, POLICY, T0 + 5 * MIN).deadline).toBe(T0 + FRESH + 1);
    });

    it('says how long ago the report arrived', () => {
      expect(evaluate(healthyAtT0, POLICY, T0 + 5 * MIN).reason).toContain('5m ago');
    });

    it('uses the cadence of the policy it is given, not the defaults', () => {
      const fast = policy({ every: 90 * SEC, grace: 0 });
      expect(evaluate(healthyAtT0, fast, T0 + 90 * SEC).state).toBe('healthy');
      expect(evaluate(healthyAtT0, fast, T0 + 90 * SEC + 1).state).toBe('stopped_reporting');
    });
  });

  describe('when the last report is past its grace', () => {
    const stale = evaluate(healthyAtT0, POLICY, T0 + 3 * HOUR);

    it('is stopped reporting', () => {
      expect(stale.state).toBe('stopped_reporting');
    });

    it('has no deadline: only a new report changes it', () => {
      expect(stale.deadline).toBeNull();
      expect(evaluate(healthyAtT0, POLICY, T0 + 3650 * DAY).state).toBe('stopped_reporting');
    });

    it('still says when the missed report was due', () => {
      expect(stale.nextDueAt).toBe(T0 + EVERY);
    });

    it('explains the silence in words with durations', () => {
      expect(stale.reason).toContain('3h');
      expect(stale.reason).toContain('expected every 1h');
      expect(stale.reason).toBe('last health report 3h ago, expected every 1h');
    });

    it('is stopped reporting even when the stale report was unhealthy', () => {
      expect(evaluate(unhealthyAtT0(5), POLICY, T0 + FRESH + 1).state).toBe('stopped_reporting');
    });
  });

  describe('when the last report is unhealthy and one report is enough (N = 1)', () => {
    it.each([
      { after: 0, state: 'unhealthy' },
      { after: FRESH - 1, state: 'unhealthy' },
      { after: FRESH, state: 'unhealthy' },
      { after: FRESH + 1, state: 'stopped_reporting' },
    ] as const)('$after ms after the report it is $state', ({ after, state }) => {
      expect(evaluate(unhealthyAtT0(1), POLICY, T0 + after).state).toBe(state);
    });

    it('says it was one unhealthy report, with its age', () => {
      const e = evaluate(unhealthyAtT0(1), POLICY, T0 + 10 * MIN);
      expect(e.reason).toContain('unhealthy report');
      expect(e.reason).toContain('10m ago');
      expect(e.nextDueAt).toBe(T0 + EVERY);
      expect(e.deadline).toBe(T0 + FRESH + 1);
    });

    it('treats a threshold below 1 as 1', () => {
      expect(evaluate(unhealthyAtT0(1), policy({ unhealthyThreshold: 0 }), T0).state).toBe('unhealthy');
    });
  });

  describe('when the last report is unhealthy and three in a row are needed (N = 3)', () => {
    const n3 = policy({ unhealthyThreshold: 3 });

    it.each([
      { streak: 1, state: 'healthy' },
      { streak: 2, state: 'healthy' },
      { streak: 3, state: 'unhealthy' },
      { streak: 4, state: 'unhealthy' },
    ] as const)('a streak of $streak is $state', ({ streak, state }) => {
      expect(evaluate(unhealthyAtT0(streak), n3, T0 + MIN).state).toBe(state);
    });

    it('explains a streak below the threshold as "2 of 3"', () => {
      const e = evaluate(unhealthyAtT0(2), n3, T0 + MIN);
      expect(e.state).toBe('healthy');
      expect(e.reason).toContain('2 of 3');
      expect(e.reason).toContain('1m ago');
    });

    it('says how many unhealthy reports came in a row once over the threshold', () => {
      expect(evaluate(unhealthyAtT0(3), n3, T0 + MIN).reason).toContain('3 unhealthy reports in a row');
    });

    it('keeps the freshness deadline while below the threshold', () => {
      const e = evaluate(unhealthyAtT0(2), n3, T0 + MIN);
      expect(e.deadline).toBe(T0 + FRESH + 1);
      expect(e.nextDueAt).toBe(T0 + EVERY);
    });
  });

  describe('when there is no health data but an event arrived', () => {
    const withEvent = facts({ lastEventAt: T0 });

    it.each([
      { after: 0, state: 'not_reported' },
      { after: 2 * DAY, state: 'not_reported' },
      { after: WINDOW - 1, state: 'not_reported' },
      { after: WINDOW, state: 'not_reported' },
      { after: WINDOW + 1, state: 'stopped_reporting' },
      { after: WINDOW + DAY, state: 'stopped_reporting' },
    ] as const)('$after ms after the event it is $state', ({ after, state }) => {
      expect(evaluate(withEvent, POLICY, T0 + after).state).toBe(state);
    });

    it('shows the last event time in the reason and expects no report', () => {
      const e = evaluate(withEvent, POLICY, T0 + 2 * DAY);
      expect(e.reason).toContain('last event 2d ago');
      expect(e.nextDueAt).toBeNull();
      expect(e.deadline).toBe(T0 + WINDOW + 1);
    });

    it('is not reported within the window even when it was connected long before it', () => {
      const longAgo = facts({ connectedAt: T0 - 365 * DAY, lastEventAt: T0 });
      expect(evaluate(longAgo, POLICY, T0 + DAY).state).toBe('not_reported');
    });

    it('uses the window of the policy', () => {
      const short = policy({ silenceWindow: DAY });
      expect(evaluate(withEvent, short, T0 + DAY).state).toBe('not_reported');
      expect(evaluate(withEvent, short, T0 + DAY + 1).state).toBe('stopped_reporting');
    });
  });

  describe('when there is no health data and the last event is older than the window', () => {
    const old = facts({ connectedAt: T0 - DAY, lastEventAt: T0 - WINDOW - 1 });
    const e = evaluate(old, POLICY, T0);

    it('is stopped reporting, even if it was connected recently', () => {
      expect(e.state).toBe('stopped_reporting');
    });

    it('has no deadline and says the window was silent', () => {
      expect(e.deadline).toBeNull();
      expect(e.nextDueAt).toBeNull();
      expect(e.reason).toContain('no event in 14d');
      expect(e.reason).toContain('last event 14d ago');
    });
  });

  describe('when there is no health data and no event at all', () => {
    const connected = facts({ connectedAt: T0 });

    it.each([
      { after: 0, state: 'not_reported' },
      { after: HOUR, state: 'not_reported' },
      { after: WINDOW - 1, state: 'not_reported' },
      { after: WINDOW, state: 'not_reported' },
      { after: WINDOW + 1, state: 'stopped_reporting' },
      { after: 2 * WINDOW, state: 'stopped_reporting' },
    ] as const)('$after ms after connecting it is $state', ({ after, state }) => {
      expect(evaluate(connected, POLICY, T0 + after).state).toBe(state);
    });

    it('is still deploying while inside the window', () => {
      const e = evaluate(connected, POLICY, T0 + 3 * HOUR);
      expect(e.reason).toContain('connected 3h ago');
      expect(e.reason).toContain('deploying');
      expect(e.nextDueAt).toBeNull();
      expect(e.deadline).toBe(T0 + WINDOW + 1);
    });

    it('says how long it has been silent since connecting once past the window', () => {
      const e = evaluate(connected, POLICY, T0 + 15 * DAY);
      expect(e.reason).toContain('15d');
      expect(e.deadline).toBeNull();
    });
  });

  describe('the deadline', () => {
    // A table of situations, each evaluated at some `now`; the deadline must be exactly the first millisecond
    // at which the state changes when nothing new arrives.
    const cases: { name: string; facts: HealthFacts; policy: HealthPolicy; now: number }[] = [
      { name: 'healthy report', facts: healthyAtT0, policy: POLICY, now: T0 },
      { name: 'healthy report, late in its grace', facts: healthyAtT0, policy: POLICY, now: T0 + FRESH },
      { name: 'unhealthy report (N = 1)', facts: unhealthyAtT0(1), policy: POLICY, now: T0 + MIN },
      {
        name: 'unhealthy streak below the threshold (2 of 3)',
        facts: unhealthyAtT0(2),
        policy: policy({ unhealthyThreshold: 3 }),
        now: T0 + MIN,
      },
      {
        name: 'unhealthy streak at the threshold (3 of 3)',
        facts: unhealthyAtT0(3),
        policy: policy({ unhealthyThreshold: 3 }),
        now: T0 + MIN,
      },
      {
        name: 'short cadence without grace',
        facts: healthyAtT0,
        policy: policy({ every: 90 * SEC, grace: 0 }),
        now: T0 + SEC,
      },
      { name: 'event, no health data', facts: facts({ lastEventAt: T0 }), policy: POLICY, now: T0 + DAY },
      {
        name: 'event, no health data, custom window',
        facts: facts({ lastEventAt: T0 }),
        policy: policy({ silenceWindow: 2 * HOUR }),
        now: T0 + HOUR,
      },
      { name: 'just connected', facts: facts({ connectedAt: T0 }), policy: POLICY, now: T0 },
      { name: 'connected almost W ago', facts: facts({ connectedAt: T0 }), policy: POLICY, now: T0 + WINDOW },
    ];

    describe.each(cases)('for a $name', (c) => {
      const first = evaluate(c.facts, c.policy, c.now);
      const deadline = first.deadline;

      it('is set and later than now', () => {
        expect(deadline).not.toBeNull();
        expect(deadline as number).toBeGreaterThan(c.now);
      });

      it('keeps the same state one millisecond before it', () => {
        expect(evaluate(c.facts, c.policy, (deadline as number) - 1).state).toBe(first.state);
      });

      it('changes the state exactly at it', () => {
        expect(evaluate(c.facts, c.policy, deadline as number).state).not.toBe(first.state);
      });
    });

    const terminal: { name: string; facts: HealthFacts; now: number }[] = [
      { name: 'stale report', facts: healthyAtT0, now: T0 + FRESH + 1 },
      { name: 'event older than the window', facts: facts({ lastEventAt: T0 }), now: T0 + WINDOW + 1 },
      { name: 'silent since connecting', facts: facts({ connectedAt: T0 }), now: T0 + WINDOW + 1 },
    ];

    describe.each(terminal)('for a $name', (c) => {
      it('is null and the state holds for years', () => {
        const first = evaluate(c.facts, POLICY, c.now);
        expect(first.deadline).toBeNull();
        expect(evaluate(c.facts, POLICY, c.now + 3650 * DAY).state).toBe(first.state);
      });
    });
  });
});

describe('policyFor', () => {
  const defaults: HealthPolicy = {
    every: HOUR,
    grace: 15 * MIN,
    silenceWindow: WINDOW,
    unhealthyThreshold: 1,
  };

  describe('when the solution sets nothing', () => {
    it('is the defaults', () => {
      expect(policyFor({}, defaults)).toEqual(defaults);
    });
  });

  describe('when the solution sets some fields', () => {
    it.each([
      { set: { every: 90 * SEC }, expected: { ...defaults, every: 90 * SEC } },
      { set: { grace: 5 * MIN }, expected: { ...defaults, grace: 5 * MIN } },
      { set: { unhealthyThreshold: 3 }, expected: { ...defaults, unhealthyThreshold: 3 } },
      {
        set: { every: 2 * HOUR, grace: MIN, unhealthyThreshold: 2 },
        expected: { every: 2 * HOUR, grace: MIN, silenceWindow: WINDOW, unhealthyThreshold: 2 },
      },
      { set: { every: undefined, grace: MIN }, expected: { ...defaults, grace: MIN } },
    ])('takes $set and the defaults for the rest', ({ set, expected }) => {
      expect(policyFor(set, defaults)).toEqual(expected);
    });

    it('keeps a grace of zero instead of falling back to the default', () => {
      expect(policyFor({ grace: 0 }, defaults).grace).toBe(0);
    });

    it('always takes the silence window from the defaults', () => {
      expect(policyFor({ every: MIN }, { ...defaults, silenceWindow: DAY }).silenceWindow).toBe(DAY);
    });
  });
});

describe('flipKind', () => {
  it.each([
    ['not_reported', 'healthy', 'quiet'],
    ['healthy', 'not_reported', 'quiet'],
    ['healthy', 'unhealthy', 'incident'],
    ['healthy', 'stopped_reporting', 'incident'],
    ['not_reported', 'unhealthy', 'incident'],
    ['not_reported', 'stopped_reporting', 'incident'],
    ['unhealthy', 'stopped_reporting', 'escalation'],
    ['stopped_reporting', 'unhealthy', 'escalation'],
    ['stopped_reporting', 'healthy', 'recovery'],
    ['unhealthy', 'healthy', 'recovery'],
    ['unhealthy', 'not_reported', 'recovery'],
    ['stopped_reporting', 'not_reported', 'recovery'],
  ] as [HealthState, HealthState, string][])('from %s to %s is %s', (from, to, kind) => {
    expect(flipKind(from, to)).toBe(kind);
  });
});
