/**
 * The read model behind `/secsol status`, App Home, `view`, `alerts` and `history`. The status page reads
 * counts and one page of the worst solutions from the status index (storage/status-index.ts, kept by the
 * scripts that change a state), judged with the health rules at `now` (status-page.ts): O(page), not
 * O(solutions). Read-only: nothing here writes.
 */
import {
  type Evaluation,
  evaluate,
  type HealthPolicy,
  policyFor,
  withReportingSince,
} from '../domain/health.js';
import type { HealthReport, HealthState, SecurityEvent } from '../domain/model.js';
import type { FlipRecord, FlipRepository } from '../storage/flip-repository.js';
import type { ReportRepository } from '../storage/report-repository.js';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import type { StatusIndex } from '../storage/status-index.js';
import { type JudgedSolution, type PageRequest, type ReadModelView, StatusPages } from './status-page.js';
import type { StatusSnapshot } from './status-snapshot.js';

export type { FlipRecord } from '../storage/flip-repository.js';
export type { SolutionRecord } from '../storage/solution-record.js';

export interface StatusServiceDeps {
  solutions: SolutionRepository;
  flips: FlipRepository;
  reports: ReportRepository;
  defaults: HealthPolicy;
  now: () => number;
  onCorrupt?: (id: string, err: unknown) => void;
  /** Since when reports could be received (startup grace); judged without it when absent. */
  reportingSince?: (now: number) => Promise<number | undefined>;
  /** Since when the Defender for Cloud connector has read Azure without a gap (its grace); none when off. */
  azureSince?: (now: number) => Promise<number | undefined>;
  /** The status read model. */
  index: StatusIndex;
}

export type { JudgedSolution } from './status-page.js';
export { buildSnapshot, emptyCounts, type StatusSnapshot } from './status-snapshot.js';

/** How many connected solutions a status snapshot reads by default (the status page's first pages). */
export const SNAPSHOT_PAGE = 100;
/** How many discovered solutions a snapshot carries. */
export const SNAPSHOT_DISCOVERED = 200;

export interface SolutionDetail {
  record: SolutionRecord;
  evaluation: Evaluation | null;
  policy: HealthPolicy;
  flips: FlipRecord[];
  events: SecurityEvent[];
  now: number;
}

export interface ActivityFeed {
  now: number;
  /** Newest first, each with the solution's name. */
  flips: (FlipRecord & { name: string })[];
  events: (SecurityEvent & { name: string })[];
}

export interface SolutionHistory {
  record: SolutionRecord;
  flips: FlipRecord[];
  reports: HealthReport[];
  now: number;
}

export class StatusService {
  private readonly pages: StatusPages;

  constructor(private readonly deps: StatusServiceDeps) {
    this.pages = new StatusPages(deps.index, deps.solutions);
  }

  private async active(): Promise<SolutionRecord[]> {
    const all = await this.deps.solutions.list(this.deps.onCorrupt);
    return all.filter((r) => r.solution.lifecycle !== 'dismissed');
  }

  /** The defaults with the startup grace in force at `now`. */
  private async policyDefaults(now: number): Promise<HealthPolicy> {
    const [reportingSince, azureSince] = await Promise.all([
      this.deps.reportingSince?.(now),
      this.deps.azureSince?.(now),
    ]);
    return withReportingSince(this.deps.defaults, reportingSince, azureSince);
  }

  /** One solution as stored; null when it does not exist. */
  get(id: string): Promise<SolutionRecord | null> {
    return this.deps.solutions.get(id);
  }

  /**
   * Counts, `limit` connected solutions from `offset` (worst first, then by id) and the first discovered
   * ones, from the read model: the cost follows the page, not the number of solutions.
   */
  async snapshot(opts: { offset?: number; limit?: number } = {}): Promise<StatusSnapshot> {
    const now = this.deps.now();
    const offset = Math.max(0, opts.offset ?? 0);
    const defaults = await this.policyDefaults(now);
    const [view, discoveredIds] = await Promise.all([
      this.pages.read({ skip: offset, limit: opts.limit ?? SNAPSHOT_PAGE }, now, defaults),
      this.deps.index.discovered(SNAPSHOT_DISCOVERED),
    ]);
    const discovered = (await this.deps.solutions.getMany(discoveredIds)).filter(
      (r): r is SolutionRecord => !!r && !(r instanceof Error) && r.solution.lifecycle === 'discovered',
    );
    discovered.sort((a, b) => b.solution.createdAt - a.solution.createdAt);
    const connectedTotal = Object.values(view.counts).reduce((a, b) => a + b, 0);
    return {
      now,
      connected: view.page,
      offset,
      connectedTotal,
      discovered,
      discoveredTotal: view.discovered,
      counts: view.counts,
    };
  }

  /** Connected solutions with a snooze recorded, judged now (App Home's "My snoozes"). */
  async snoozed(): Promise<JudgedSolution[]> {
    const now = this.deps.now();
    const ids = await this.deps.solutions.snoozedIds();
    if (ids.length === 0) return [];
    const defaults = await this.policyDefaults(now);
    return (await this.deps.solutions.getMany(ids)).flatMap((r) =>
      r && !(r instanceof Error) && r.solution.lifecycle === 'connected'
        ? [{ record: r, ...this.judged(r, now, defaults) }]
        : [],
    );
  }

  private judged(record: SolutionRecord, now: number, defaults: HealthPolicy) {
    const policy = policyFor(record.solution, defaults);
    return { evaluation: evaluate(record.facts, policy, now), policy };
  }

  /** One page of connected solutions for the admin API, optionally in one state, after a cursor. */
  async page(req: PageRequest): Promise<ReadModelView & { now: number }> {
    const now = this.deps.now();
    return { now, ...(await this.pages.read(req, now, await this.policyDefaults(now))) };
  }

  /**
   * Solutions per state for /metrics: connected ones per health state (judged now), discovered, and
   * dismissed (the rest). Together they are every solution.
   */
  async totals(): Promise<Record<HealthState | 'discovered' | 'dismissed', number>> {
    const [view, all] = await Promise.all([this.page({ limit: 0 }), this.deps.solutions.count()]);
    const connected = Object.values(view.counts).reduce((a, b) => a + b, 0);
    const dismissed = Math.max(0, all - connected - view.discovered);
    return { ...view.counts, discovered: view.discovered, dismissed };
  }

  /**
   * By id first, then by name through the name index (names are unique, case and spacing aside): two
   * reads at most, however many solutions there are.
   */
  async find(ref: string): Promise<SolutionRecord | null> {
    const trimmed = ref.trim();
    if (trimmed === '' || trimmed.length > 300) return null;
    const lower = trimmed.toLowerCase();
    if (/^[a-z0-9][a-z0-9-]{0,63}$/.test(lower)) {
      const byId = await this.deps.solutions.get(lower).catch(() => null);
      if (byId && byId.solution.lifecycle !== 'dismissed') return byId;
    }
    const byName = await this.deps.solutions.findByName(trimmed).catch(() => null);
    return byName && byName.solution.lifecycle !== 'dismissed' ? byName : null;
  }

  judge(
    record: SolutionRecord,
    now = this.deps.now(),
    defaults = this.deps.defaults,
  ): { evaluation: Evaluation | null; policy: HealthPolicy } {
    const policy = policyFor(record.solution, defaults);
    const evaluation = record.solution.lifecycle === 'connected' ? evaluate(record.facts, policy, now) : null;
    return { evaluation, policy };
  }

  /** What `solutionViewMessage` needs for one solution. */
  async detail(record: SolutionRecord, flipLimit = 5, eventLimit = 5): Promise<SolutionDetail> {
    const now = this.deps.now();
    const id = record.solution.id;
    const [flips, events] = await Promise.all([
      this.deps.flips.recent(id, flipLimit),
      this.deps.reports.recentEvents(id, eventLimit),
    ]);
    return { record, ...this.judge(record, now, await this.policyDefaults(now)), flips, events, now };
  }

  async history(record: SolutionRecord, limit = 15): Promise<SolutionHistory> {
    const id = record.solution.id;
    const [flips, reports] = await Promise.all([
      this.deps.flips.recent(id, limit),
      this.deps.reports.healthHistory(id, limit),
    ]);
    return { record, flips, reports, now: this.deps.now() };
  }

  /**
   * Recent flips and security events, for one solution or the whole system. There is no global index of
   * flips or events, so the whole-system feed reads only the solutions whose state or events changed
   * most recently (known from the records already loaded): a bounded number of reads at any size.
   */
  async activity(record: SolutionRecord | null, limit = 15): Promise<ActivityFeed> {
    const now = this.deps.now();
    let flipSources: SolutionRecord[];
    let eventSources: SolutionRecord[];
    if (record) {
      flipSources = [record];
      eventSources = [record];
    } else {
      const all = (await this.active()).filter((r) => r.solution.lifecycle === 'connected');
      flipSources = all
        .filter((r) => r.flipSeq > 0)
        .sort((a, b) => (b.stateSince ?? 0) - (a.stateSince ?? 0))
        .slice(0, limit);
      eventSources = all
        .filter((r) => r.facts.lastEventAt !== null)
        .sort((a, b) => (b.facts.lastEventAt ?? 0) - (a.facts.lastEventAt ?? 0))
        .slice(0, limit);
    }
    const perSource = record ? limit : 3;
    const [flipLists, eventLists] = await Promise.all([
      Promise.all(flipSources.map((r) => this.deps.flips.recent(r.solution.id, perSource))),
      Promise.all(eventSources.map((r) => this.deps.reports.recentEvents(r.solution.id, perSource))),
    ]);
    const flips = flipLists
      .flatMap((list, i) => list.map((f) => ({ ...f, name: flipSources[i]?.solution.name ?? f.solutionId })))
      .sort((a, b) => b.at - a.at)
      .slice(0, limit);
    const events = eventLists
      .flatMap((list, i) => list.map((e) => ({ ...e, name: eventSources[i]?.solution.name ?? e.solutionId })))
      .sort((a, b) => b.observedAt - a.observedAt)
      .slice(0, limit);
    return { now, flips, events };
  }
}
