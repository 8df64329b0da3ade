/**
 * Pages of connected solutions, worst first, from the status read model (storage/status-index.ts), judged
 * with the health rules at `now`.
 *
 * The index holds each solution's committed state. A solution whose deadline has passed is judged on read
 * here before anything is counted or listed (the evaluator may not have reached it yet): a solution that
 * just went stale never shows as healthy, and it is listed and counted where the rules put it now. The due
 * solutions read are capped (DUE_CAP): past an outage, beyond the cap, rows are still judged at `now` but
 * counts and order follow the committed state until the evaluator catches up.
 */
import { type Evaluation, evaluate, type HealthPolicy, policyFor } from '../domain/health.js';
import type { HealthState } from '../domain/model.js';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import { type StatusIndex, stateMember } from '../storage/status-index.js';

export const DUE_CAP = 1000;

export interface JudgedSolution {
  record: SolutionRecord;
  evaluation: Evaluation;
  policy: HealthPolicy;
}

export interface PageRequest {
  state?: HealthState;
  /** A `nextCursor` of an earlier page: the index member the page starts after. */
  after?: string;
  /** Rows skipped before the page (a page number times its size); bounded by the caller. */
  skip?: number;
  limit: number;
}

export interface ReadModelView {
  counts: Record<HealthState, number>;
  discovered: number;
  page: JudgedSolution[];
  /** The member the next page starts after; null on the last page. */
  nextCursor: string | null;
}

function judge(record: SolutionRecord, defaults: HealthPolicy, now: number): JudgedSolution {
  const policy = policyFor(record.solution, defaults);
  return { record, evaluation: evaluate(record.facts, policy, now), policy };
}

export class StatusPages {
  constructor(
    private readonly index: StatusIndex,
    private readonly solutions: SolutionRepository,
  ) {}

  /** The due connected solutions, judged now, by id. */
  private async due(now: number, defaults: HealthPolicy): Promise<Map<string, JudgedSolution>> {
    const ids = await this.index.due(now, DUE_CAP);
    const records = ids.length > 0 ? await this.solutions.getMany(ids) : [];
    const judged = new Map<string, JudgedSolution>();
    for (const r of records) {
      if (!r || r instanceof Error || r.solution.lifecycle !== 'connected') continue;
      judged.set(r.solution.id, judge(r, defaults, now));
    }
    return judged;
  }

  /** Counts and one page, consistent with the health rules at `now`. */
  async read(req: PageRequest, now: number, defaults: HealthPolicy): Promise<ReadModelView> {
    await this.index.ensureBuilt();
    const [committed, due] = await Promise.all([this.index.counts(), this.due(now, defaults)]);
    const counts = { ...committed.byState };
    // Due solutions the rules now put in another state than the committed one: counted and listed there.
    const moved = [...due.values()].filter((j) => j.evaluation.state !== j.record.state);
    for (const j of moved) {
      counts[j.record.state] = Math.max(0, counts[j.record.state] - 1);
      counts[j.evaluation.state] += 1;
    }
    const movedIds = new Set(moved.map((j) => j.record.solution.id));
    const skip = req.skip ?? 0;
    const want = skip + req.limit + 1;
    const fetchLimit = want + movedIds.size;
    const fetched = await this.index.page({ state: req.state, after: req.after, limit: fetchLimit });
    // Past the last member read, the index is unknown: moved entries beyond it wait for the next page.
    const horizon = fetched.length === fetchLimit ? fetched[fetched.length - 1]?.member : undefined;
    const entries = fetched
      .filter((e) => !movedIds.has(e.id))
      .map((e) => ({ id: e.id, member: e.member }))
      .concat(
        moved
          .filter((j) => req.state === undefined || j.evaluation.state === req.state)
          .map((j) => ({
            id: j.record.solution.id,
            member: stateMember(j.evaluation.state, j.record.solution.id),
          }))
          .filter(
            (e) => (req.after === undefined || e.member > req.after) && (!horizon || e.member <= horizon),
          ),
      )
      .sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
    const slice = entries.slice(skip, skip + req.limit);
    const more = entries.length > skip + req.limit;
    const unread = slice.filter((e) => !due.has(e.id)).map((e) => e.id);
    const loaded = unread.length > 0 ? await this.solutions.getMany(unread) : [];
    const byId = new Map<string, SolutionRecord>();
    for (const r of loaded) if (r && !(r instanceof Error)) byId.set(r.solution.id, r);
    const page: JudgedSolution[] = [];
    for (const e of slice) {
      const judged = due.get(e.id);
      if (judged) page.push(judged);
      else {
        const r = byId.get(e.id);
        // A solution deleted or disconnected between the index read and this one is left out.
        if (r && r.solution.lifecycle === 'connected') page.push(judge(r, defaults, now));
      }
    }
    const last = slice[slice.length - 1];
    return { counts, discovered: committed.discovered, page, nextCursor: more && last ? last.member : null };
  }
}
