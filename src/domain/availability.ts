/**
 * Availability (docs/contract.md §10.3), pure: the share of a period a solution was Healthy, out of the
 * time it was connected, judged (Not reported while deploying counts as neither) and not in maintenance.
 * Built from its flips: between two flips the state is the later flip's `from`.
 */
import type { HealthState } from './model.js';

export interface Interval {
  start: number;
  end: number;
}

export interface AvailabilityInput {
  /** The solution's flips, in any order (only `at`, `from`, `to` are read). */
  flips: { at: number; from: HealthState; to: HealthState }[];
  /** The state now (used when no flip falls after the period's start). */
  state: HealthState;
  /** When it was connected; nothing before counts. */
  connectedAt: number;
  /** Maintenance windows (occurrences) that touch the period, possibly overlapping. */
  maintenance: Interval[];
  now: number;
  periodMs: number;
}

/** Merges overlapping or touching intervals, clipped to [from, to]. */
export function mergeIntervals(intervals: Interval[], from: number, to: number): Interval[] {
  const clipped = intervals
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of clipped) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** How much of [start, end) the merged intervals cover. */
function covered(start: number, end: number, merged: Interval[]): number {
  let sum = 0;
  for (const m of merged) sum += Math.max(0, Math.min(end, m.end) - Math.max(start, m.start));
  return sum;
}

/** Availability in [0, 1], or null when no judged time is left (no history yet, or all in maintenance). */
export function availability(input: AvailabilityInput): number | null {
  const { now } = input;
  const from = Math.max(now - input.periodMs, input.connectedAt);
  if (from >= now) return null;
  const flips = [...input.flips].filter((f) => f.at < now).sort((a, b) => a.at - b.at);
  const maintenance = mergeIntervals(input.maintenance, from, now);
  // The timeline: the state at `from`, then each flip after it.
  const firstAfter = flips.findIndex((f) => f.at > from);
  const before = firstAfter === -1 ? flips[flips.length - 1] : flips[firstAfter - 1];
  let state: HealthState = before
    ? before.to
    : firstAfter === -1
      ? input.state
      : (flips[firstAfter]?.from ?? input.state);
  let cursor = from;
  let healthy = 0;
  let judged = 0;
  const segment = (end: number) => {
    if (end <= cursor) return;
    const span = end - cursor - covered(cursor, end, maintenance);
    if (state !== 'not_reported') judged += span;
    if (state === 'healthy') healthy += span;
    cursor = end;
  };
  for (const f of firstAfter === -1 ? [] : flips.slice(firstAfter)) {
    segment(f.at);
    state = f.to;
  }
  segment(now);
  return judged > 0 ? healthy / judged : null;
}
