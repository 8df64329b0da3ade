import { describe, expect, it } from 'vitest';
import { availability, mergeIntervals } from '../../src/domain/availability.js';

const H = 3_600_000;
const DAY = 24 * H;
const now = 100 * DAY;

describe('availability', () => {
  it('is null before any judged history (still deploying)', () => {
    expect(
      availability({
        flips: [],
        state: 'not_reported',
        connectedAt: now - DAY,
        maintenance: [],
        now,
        periodMs: 7 * DAY,
      }),
    ).toBeNull();
  });

  it('is 1 for a solution healthy the whole period, with no flip inside it', () => {
    const flips = [{ at: now - 20 * DAY, from: 'not_reported' as const, to: 'healthy' as const }];
    expect(
      availability({
        flips,
        state: 'healthy',
        connectedAt: now - 30 * DAY,
        maintenance: [],
        now,
        periodMs: 7 * DAY,
      }),
    ).toBe(1);
  });

  it('counts unhealthy time against it and deploying time as neither', () => {
    const flips = [
      { at: now - 4 * DAY, from: 'not_reported' as const, to: 'healthy' as const },
      { at: now - 1 * DAY, from: 'healthy' as const, to: 'unhealthy' as const },
    ];
    // connected 6 days ago: 2 days deploying (neither), 3 healthy, 1 unhealthy
    const a = availability({
      flips,
      state: 'unhealthy',
      connectedAt: now - 6 * DAY,
      maintenance: [],
      now,
      periodMs: 7 * DAY,
    });
    expect(a).toBeCloseTo(3 / 4, 10);
  });

  it('takes a flip exactly at the period start as the state of the whole period', () => {
    const flips = [{ at: now - 7 * DAY, from: 'healthy' as const, to: 'stopped_reporting' as const }];
    expect(
      availability({
        flips,
        state: 'stopped_reporting',
        connectedAt: 0,
        maintenance: [],
        now,
        periodMs: 7 * DAY,
      }),
    ).toBe(0);
  });

  it('uses the first flip’s from-state before it when the flip is inside the period', () => {
    const flips = [{ at: now - 1 * DAY, from: 'unhealthy' as const, to: 'healthy' as const }];
    expect(
      availability({ flips, state: 'healthy', connectedAt: 0, maintenance: [], now, periodMs: 4 * DAY }),
    ).toBeCloseTo(1 / 4, 10);
  });

  it('excludes maintenance, including a flip at the window’s edge', () => {
    // unhealthy from now-2d (exactly when the window starts) until now-1d (when it ends); healthy otherwise
    const flips = [
      { at: now - 2 * DAY, from: 'healthy' as const, to: 'unhealthy' as const },
      { at: now - 1 * DAY, from: 'unhealthy' as const, to: 'healthy' as const },
    ];
    const maintenance = [{ start: now - 2 * DAY, end: now - 1 * DAY }];
    expect(
      availability({ flips, state: 'healthy', connectedAt: 0, maintenance, now, periodMs: 7 * DAY }),
    ).toBe(1);
  });

  it('counts a solution connected mid-window only from its connection, maintenance clipped', () => {
    const flips = [{ at: now - 2 * DAY, from: 'not_reported' as const, to: 'unhealthy' as const }];
    // the window started before the solution was connected and ends 1 day ago
    const maintenance = [{ start: now - 10 * DAY, end: now - 1 * DAY }];
    const a = availability({
      flips,
      state: 'unhealthy',
      connectedAt: now - 3 * DAY,
      maintenance,
      now,
      periodMs: 7 * DAY,
    });
    expect(a).toBe(0);
    const healthyAfter = [...flips, { at: now - 12 * H, from: 'unhealthy' as const, to: 'healthy' as const }];
    const b = availability({
      flips: healthyAfter,
      state: 'healthy',
      connectedAt: now - 3 * DAY,
      maintenance,
      now,
      periodMs: 7 * DAY,
    });
    expect(b).toBeCloseTo(0.5, 10);
  });

  it('does not count overlapping maintenance twice', () => {
    const flips = [{ at: now - 1 * DAY, from: 'unhealthy' as const, to: 'healthy' as const }];
    const maintenance = [
      { start: now - 4 * DAY, end: now - 2 * DAY },
      { start: now - 3 * DAY, end: now - 1 * DAY },
      { start: now - 3 * DAY, end: now - 2 * DAY },
    ];
    // 4-day period: all unhealthy time but [now-4d, now-3d)... is in maintenance; 1 day healthy counts
    const a = availability({ flips, state: 'healthy', connectedAt: 0, maintenance, now, periodMs: 4 * DAY });
    expect(a).toBe(1);
    expect(mergeIntervals(maintenance, 0, now)).toEqual([{ start: now - 4 * DAY, end: now - 1 * DAY }]);
  });

  it('is null when the whole period was maintenance', () => {
    const maintenance = [{ start: now - 8 * DAY, end: now + DAY }];
    expect(
      availability({ flips: [], state: 'healthy', connectedAt: 0, maintenance, now, periodMs: 7 * DAY }),
    ).toBeNull();
  });
});
