/**
 * Availability per solution over the last 7 and 30 days (docs/contract.md §10.3): its stored flips and
 * the maintenance that applied to it, handed to the pure `availability` function.
 */
import { availability, type Interval } from '../domain/availability.js';
import type { FlipRepository } from '../storage/flip-repository.js';
import { FLIP_HISTORY_CAP } from '../storage/flip-repository.js';
import type { SolutionRecord } from '../storage/solution-record.js';

const DAY = 86_400_000;
export const AVAILABILITY_PERIODS = { '7d': 7 * DAY, '30d': 30 * DAY } as const;

export interface Availability {
  '7d': number | null;
  '30d': number | null;
}

export interface AvailabilityDeps {
  flips: Pick<FlipRepository, 'recent'>;
  /** The maintenance that covered a solution in [from, to]; none when absent. */
  maintenance?: (solutionId: string, from: number, to: number) => Promise<Interval[]>;
  now: () => number;
}

export class AvailabilityService {
  constructor(private readonly deps: AvailabilityDeps) {}

  /** Null for a solution that is not connected (nothing is judged). */
  async of(record: SolutionRecord): Promise<Availability | null> {
    if (record.solution.lifecycle !== 'connected') return null;
    const now = this.deps.now();
    const id = record.solution.id;
    // The flip history is capped: past the cap, the oldest stored flip's state stands for the time before.
    const [flips, maintenance] = await Promise.all([
      this.deps.flips.recent(id, FLIP_HISTORY_CAP),
      this.deps.maintenance?.(id, now - AVAILABILITY_PERIODS['30d'], now) ?? Promise.resolve([]),
    ]);
    const base = { flips, state: record.state, connectedAt: record.facts.connectedAt, maintenance, now };
    return {
      '7d': availability({ ...base, periodMs: AVAILABILITY_PERIODS['7d'] }),
      '30d': availability({ ...base, periodMs: AVAILABILITY_PERIODS['30d'] }),
    };
  }
}

/** "99.5%" for people; "no history yet" before any. */
export function formatAvailability(value: number | null): string {
  if (value === null) return 'no history yet';
  const pct = Math.floor(value * 1000) / 10;
  return `${pct}%`;
}
