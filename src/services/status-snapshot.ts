/**
 * A status snapshot: counts per state, connected solutions worst first, discovered ones. `buildSnapshot`
 * groups and sorts records already loaded (pure, tested without Redis); StatusService reads one page of
 * the read model into the same shape.
 */
import { evaluate, type HealthPolicy, policyFor } from '../domain/health.js';
import { HEALTH_STATES, type HealthState, STATE_ORDER } from '../domain/model.js';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { JudgedSolution } from './status-page.js';

export interface StatusSnapshot {
  now: number;
  /**
   * Connected solutions, worst state first: all of them (buildSnapshot), or one page of the read model
   * starting at `offset`, of `connectedTotal`.
   */
  connected: JudgedSolution[];
  /** Where `connected` starts among all connected solutions (0 when absent). */
  offset?: number;
  /** All connected solutions (`connected.length` when absent). */
  connectedTotal?: number;
  /** Discovered (not yet connected) solutions: all, or the first few of `discoveredTotal`. */
  discovered: SolutionRecord[];
  discoveredTotal?: number;
  counts: Record<HealthState, number>;
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

export function emptyCounts(): Record<HealthState, number> {
  return Object.fromEntries(HEALTH_STATES.map((s) => [s, 0])) as Record<HealthState, number>;
}

/** Groups and sorts already-loaded records: pure, so it is tested without Redis. */
export function buildSnapshot(
  records: SolutionRecord[],
  defaults: HealthPolicy,
  now: number,
): StatusSnapshot {
  const connected: JudgedSolution[] = [];
  const discovered: SolutionRecord[] = [];
  const counts = emptyCounts();
  for (const record of records) {
    if (record.solution.lifecycle === 'discovered') {
      discovered.push(record);
      continue;
    }
    if (record.solution.lifecycle !== 'connected') continue;
    const policy = policyFor(record.solution, defaults);
    const evaluation = evaluate(record.facts, policy, now);
    counts[evaluation.state] += 1;
    connected.push({ record, evaluation, policy });
  }
  connected.sort(
    (a, b) =>
      STATE_ORDER[a.evaluation.state] - STATE_ORDER[b.evaluation.state] ||
      collator.compare(a.record.solution.name, b.record.solution.name) ||
      (a.record.solution.id < b.record.solution.id ? -1 : 1),
  );
  discovered.sort((a, b) => b.solution.createdAt - a.solution.createdAt);
  return { now, connected, discovered, counts };
}
