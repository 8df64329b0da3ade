import { describe, expect, it } from 'vitest';
import {
  covers,
  isTimeZone,
  type MaintenanceWindow,
  occurrenceAt,
  occurrencesIn,
  upcoming,
} from '../../src/domain/maintenance.js';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const base = {
  id: 'mnt-1',
  solutions: 'all' as const,
  reason: 'upgrade',
  createdBy: 'admin-api',
  createdAt: 0,
};

describe('a one-off window', () => {
  const w: MaintenanceWindow = { ...base, start: 1000, end: 5000, timezone: 'UTC' };
  it('is in force from its start (included) to its end (excluded)', () => {
    expect(occurrenceAt(w, 999)).toBeNull();
    expect(occurrenceAt(w, 1000)).toEqual({ start: 1000, end: 5000 });
    expect(occurrenceAt(w, 4999)).toEqual({ start: 1000, end: 5000 });
    expect(occurrenceAt(w, 5000)).toBeNull();
  });
  it('stops when ended early', () => {
    expect(occurrenceAt({ ...w, endedAt: 2000 }, 2500)).toBeNull();
    expect(upcoming({ ...w, endedAt: 2000 }, 1500, 3)).toEqual([{ start: 1000, end: 2000 }]);
  });
  it('covers the solutions it names, or all', () => {
    expect(covers({ solutions: ['a'] }, 'a')).toBe(true);
    expect(covers({ solutions: ['a'] }, 'b')).toBe(false);
    expect(covers({ solutions: 'all' }, 'b')).toBe(true);
  });
});

describe('a recurring window in a named time zone', () => {
  // Every night at 02:00 Berlin time, for 3 hours; summer time ends on 25 October 2026 (03:00 -> 02:00).
  const w: MaintenanceWindow = {
    ...base,
    start: t('2026-10-01T00:00:00Z'),
    cron: '0 2 * * *',
    durationMs: 3 * H,
    timezone: 'Europe/Berlin',
  };

  it('starts at 02:00 local time on both sides of the daylight-saving change', () => {
    const next = upcoming(w, t('2026-10-23T12:00:00Z'), 4).map((o) => new Date(o.start).toISOString());
    expect(next).toEqual([
      '2026-10-24T00:00:00.000Z', // 02:00 CEST (UTC+2)
      '2026-10-25T00:00:00.000Z', // 02:00 that night happens twice: the first one (still CEST)
      '2026-10-26T01:00:00.000Z', // 02:00 CET (UTC+1)
      '2026-10-27T01:00:00.000Z',
    ]);
  });

  it('is in force for its duration after each start, and not before the window’s own start', () => {
    expect(occurrenceAt(w, t('2026-10-26T01:00:00Z'))).toEqual({
      start: t('2026-10-26T01:00:00Z'),
      end: t('2026-10-26T04:00:00Z'),
    });
    expect(occurrenceAt(w, t('2026-10-26T03:59:59Z'))).not.toBeNull();
    expect(occurrenceAt(w, t('2026-10-26T04:00:00Z'))).toBeNull();
    expect(occurrenceAt(w, t('2026-09-20T01:00:00Z'))).toBeNull();
  });

  it('lists the occurrences within a period, and none after it was ended', () => {
    const list = occurrencesIn(w, t('2026-10-24T00:00:00Z'), t('2026-10-27T00:00:00Z'));
    expect(list.map((o) => new Date(o.start).toISOString())).toEqual([
      '2026-10-24T00:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-26T01:00:00.000Z',
    ]);
    const ended = { ...w, endedAt: t('2026-10-25T02:00:00Z') };
    expect(occurrencesIn(ended, t('2026-10-24T00:00:00Z'), t('2026-10-27T00:00:00Z'))).toEqual([
      { start: t('2026-10-24T00:00:00Z'), end: t('2026-10-24T03:00:00Z') },
      // 3 hours of wall-clock time that night last from 00:00Z; ended early at 02:00Z
      { start: t('2026-10-25T00:00:00Z'), end: t('2026-10-25T02:00:00Z') },
    ]);
    expect(upcoming(ended, t('2026-10-25T03:00:00Z'), 3)).toEqual([]);
  });

  it('knows time zone names', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
