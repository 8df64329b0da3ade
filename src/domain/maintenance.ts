/**
 * Maintenance windows (docs/contract.md §10.1), pure: which occurrence of a window is in force at an
 * instant, the next ones, and the ones within a period. A one-off window is one occurrence [start, end);
 * a recurring one starts at each match of its five-field cron expression in its IANA time zone (croner
 * computes the matches, daylight-saving changes included) and lasts `durationMs`. A window ended early
 * (`endedAt`) stops there, and recurs no more.
 */
import { Cron } from 'croner';
import type { Interval } from './availability.js';

export interface MaintenanceWindow {
  id: string;
  solutions: string[] | 'all';
  /** One-off: its start. Recurring: no occurrence starts before it. */
  start: number;
  /** One-off only. */
  end?: number;
  cron?: string;
  durationMs?: number;
  timezone: string;
  reason: string;
  createdBy: string;
  createdAt: number;
  endedAt?: number;
}

/** Parses a five-field cron expression in a time zone; throws with croner's message when it is not one. */
export function cronOf(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, paused: true, mode: '5-part' });
}

/** Whether `tz` is an IANA time zone name this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function covers(w: Pick<MaintenanceWindow, 'solutions'>, solutionId: string): boolean {
  return w.solutions === 'all' || w.solutions.includes(solutionId);
}

const clip = (w: MaintenanceWindow, o: Interval): Interval | null => {
  const end = w.endedAt === undefined ? o.end : Math.min(o.end, w.endedAt);
  return end > o.start ? { start: o.start, end } : null;
};

/** The occurrence in force at `at` (start <= at < end), if any. */
export function occurrenceAt(w: MaintenanceWindow, at: number): Interval | null {
  if (!w.cron) {
    const o = clip(w, { start: w.start, end: w.end ?? w.start });
    return o && o.start <= at && at < o.end ? o : null;
  }
  const duration = w.durationMs ?? 0;
  // The latest match at or before `at`: croner looks strictly before an instant, to the second.
  const last = cronOf(w.cron, w.timezone)
    .previousRuns(2, new Date(at + 1000))
    .find((d) => d.getTime() <= at);
  if (!last || last.getTime() < w.start) return null;
  const o = clip(w, { start: last.getTime(), end: last.getTime() + duration });
  return o && at < o.end ? o : null;
}

/** The occurrence in force at `at`, then the next ones, up to `n` in all. */
export function upcoming(w: MaintenanceWindow, at: number, n: number): Interval[] {
  const current = occurrenceAt(w, at);
  if (!w.cron) {
    const o = clip(w, { start: w.start, end: w.end ?? w.start });
    return o && o.end > at ? [o] : [];
  }
  if (w.endedAt !== undefined && w.endedAt <= at) return [];
  const out: Interval[] = current ? [current] : [];
  const from = new Date(Math.max(at, w.start - 1));
  for (const run of cronOf(w.cron, w.timezone).nextRuns(n, from)) {
    if (out.length >= n) break;
    const o = clip(w, { start: run.getTime(), end: run.getTime() + (w.durationMs ?? 0) });
    if (o && o.start >= w.start && !out.some((x) => x.start === o.start)) out.push(o);
  }
  return out;
}

/** Every occurrence overlapping [from, to) (availability leaves them out). */
export function occurrencesIn(w: MaintenanceWindow, from: number, to: number, cap = 1000): Interval[] {
  if (!w.cron) {
    const o = clip(w, { start: w.start, end: w.end ?? w.start });
    return o && o.start < to && o.end > from ? [o] : [];
  }
  const duration = w.durationMs ?? 0;
  const cron = cronOf(w.cron, w.timezone);
  const out: Interval[] = [];
  let cursor = new Date(Math.max(from - duration, w.start - 1));
  while (out.length < cap) {
    const run = cron.nextRun(cursor);
    if (!run || run.getTime() >= to) break;
    const o = clip(w, { start: run.getTime(), end: run.getTime() + duration });
    if (o && o.end > from && o.start >= w.start) out.push(o);
    cursor = run;
  }
  return out;
}
