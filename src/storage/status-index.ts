/**
 * The status read model: one sorted set (keys.statusIndex) whose members all have score 0, so Redis keeps
 * them in byte order. A connected solution is `<rank>:<id>` in its committed state (rank = STATE_ORDER,
 * worst first), a discovered one `d:<id>`. The scripts that change a state or a lifecycle
 * (createSolution, decideEnrollment, commitEvaluation) move the member in the same atomic step, and
 * deleting a solution removes it. So counts are ZLEXCOUNTs and a page, worst first, is one ZRANGEBYLEX:
 * what `/secsol status`, App Home and the admin list read costs O(page), not O(solutions).
 *
 * The index holds the committed state. Solutions whose deadline has passed but that the evaluator has not
 * judged yet are judged on read by the status service (services/status-service.ts).
 */
import { HEALTH_STATES, type HealthState, STATE_ORDER } from '../domain/model.js';
import type { StorageContext } from './context.js';
import { oncePerDeployment } from './once-per-deployment.js';

/** The member of a connected solution in `state`. */
export function stateMember(state: HealthState, id: string): string {
  return `${STATE_ORDER[state]}:${id}`;
}

/** Every member a solution can have: what removal takes (the state need not be known). */
export function indexMembers(id: string): string[] {
  return [...HEALTH_STATES.map((s) => stateMember(s, id)), `d:${id}`];
}

const STATE_BY_RANK = new Map(HEALTH_STATES.map((s) => [String(STATE_ORDER[s]), s]));

/** A member back to its state and id; null for anything else. */
export function parseMember(member: string): { state: HealthState; id: string } | null {
  const colon = member.indexOf(':');
  const state = STATE_BY_RANK.get(member.slice(0, colon));
  return state && colon > 0 ? { state, id: member.slice(colon + 1) } : null;
}

/** The lexicographic range of one state's members, or of every connected solution's. */
function range(state?: HealthState): [string, string] {
  if (state) return [`[${STATE_ORDER[state]}:`, `(${STATE_ORDER[state]};`];
  return ['[0:', '(9;'];
}

/** The member a solution with this lifecycle and committed state has; null when it has none. */
export function memberFor(lifecycle: string, state: HealthState, id: string): string | null {
  if (lifecycle === 'connected') return stateMember(state, id);
  return lifecycle === 'discovered' ? `d:${id}` : null;
}

export class StatusIndex {
  /**
   * Once per deployment: solutions that predate the read model get indexed (each by a script, atomic with
   * the flips that may run meanwhile).
   */
  readonly ensureBuilt: () => Promise<void>;

  constructor(private readonly ctx: StorageContext) {
    this.ensureBuilt = oncePerDeployment(ctx.redis, ctx.keys.statusIndexBuilt, () => this.build());
  }

  private async build(): Promise<void> {
    const { redis, keys, scripts } = this.ctx;
    let cursor = '0';
    do {
      const [next, ids] = await redis.sscan(keys.solutions, cursor, 'COUNT', 1000);
      cursor = next;
      await Promise.all(ids.map((id) => scripts.indexSolution({ id })));
    } while (cursor !== '0');
  }

  /** Committed counts per state, and the number of discovered solutions: one pipelined round trip. */
  async counts(): Promise<{ byState: Record<HealthState, number>; discovered: number }> {
    const { redis, keys } = this.ctx;
    const p = redis.pipeline();
    for (const s of HEALTH_STATES) p.zlexcount(keys.statusIndex, ...range(s));
    p.zlexcount(keys.statusIndex, '[d:', '(d;');
    const replies = (await p.exec()) ?? [];
    const n = (i: number) => {
      const [err, v] = replies[i] ?? [new Error('no reply')];
      if (err) throw err;
      return Number(v);
    };
    const byState = Object.fromEntries(HEALTH_STATES.map((s, i) => [s, n(i)])) as Record<HealthState, number>;
    return { byState, discovered: n(HEALTH_STATES.length) };
  }

  /**
   * Connected solutions in index order (worst state first, then id), strictly after the member `after`,
   * at most `limit`, optionally in one state only.
   */
  async page(opts: {
    state?: HealthState;
    after?: string;
    limit: number;
  }): Promise<{ state: HealthState; id: string; member: string }[]> {
    const [min, max] = range(opts.state);
    const from = opts.after !== undefined && opts.after >= min.slice(1) ? `(${opts.after}` : min;
    const members = await this.ctx.redis.zrangebylex(
      this.ctx.keys.statusIndex,
      from,
      max,
      'LIMIT',
      0,
      opts.limit,
    );
    return members.flatMap((member) => {
      const parsed = parseMember(member);
      return parsed ? [{ ...parsed, member }] : [];
    });
  }

  /** Connected solutions whose deadline has passed (the evaluator's due work), at most `limit`. */
  due(now: number, limit: number): Promise<string[]> {
    return this.ctx.redis.zrangebyscore(this.ctx.keys.deadlines, '-inf', now, 'LIMIT', 0, limit);
  }

  /** The ids of discovered solutions, by id, at most `limit`. */
  async discovered(limit: number): Promise<string[]> {
    const members = await this.ctx.redis.zrangebylex(
      this.ctx.keys.statusIndex,
      '[d:',
      '(d;',
      'LIMIT',
      0,
      limit,
    );
    return members.map((m) => m.slice(2));
  }
}
