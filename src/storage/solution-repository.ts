/** Solutions: configuration, lifecycle, tokens, and the incident fields (the rules are domain/incident.ts). */
import type { IncidentPatch } from '../domain/incident.js';
import type { Solution } from '../domain/model.js';
import { solutionNameKey } from '../domain/solution-name.js';
import type { StorageContext } from './context.js';
import { oncePerDeployment } from './once-per-deployment.js';
import {
  parseSolutionHash,
  SNOOZE_UNTIL_RECOVERED,
  type SolutionRecord,
  solutionFields,
} from './solution-record.js';
import { indexMembers } from './status-index.js';

/** Fields to change; `undefined` leaves a field alone, `null` clears it (back to the default). */
export type ConfigPatch = {
  [K in
    | 'name'
    | 'consoleUrl'
    | 'owner'
    | 'alertChannel'
    | 'every'
    | 'grace'
    | 'unhealthyThreshold'
    | 'linkedResources']?: Solution[K] | null;
};

export type CreateOutcome = 'created' | 'id-taken' | 'name-taken';

export class SolutionRepository {
  /**
   * Once per deployment: solutions that predate the used-id set and the name index get them recorded
   * (each by a script).
   */
  readonly ensureIdentities: () => Promise<void>;

  constructor(private readonly ctx: StorageContext) {
    this.ensureIdentities = oncePerDeployment(ctx.redis, ctx.keys.identitiesBuilt, () =>
      this.adoptIdentities(),
    );
  }

  /**
   * Creates a solution. 'id-taken': the id is in use or was used by a deleted solution (ids are never
   * reused); 'name-taken': another solution holds the name (`holderOf` says which). A connected solution
   * enters the evaluator's list.
   */
  async create(solution: Solution, now: number, firstDeadline: number | null): Promise<CreateOutcome> {
    await this.ensureIdentities();
    const nameKey = solutionNameKey(solution.name);
    const fields = solutionFields(solution);
    for (;;) {
      const outcome = await this.ctx.scripts.createSolution({
        id: solution.id,
        now,
        firstDeadline,
        nameKey,
        fields,
      });
      if (outcome !== 'name-taken' || !(await this.releaseStaleName(nameKey))) return outcome;
    }
  }

  /** The id of the solution holding this name, if any. */
  async holderOf(name: string): Promise<string | null> {
    await this.ensureIdentities();
    return this.ctx.redis.hget(this.ctx.keys.names, solutionNameKey(name));
  }

  /** The solution holding this name (case and spacing do not matter). */
  async findByName(name: string): Promise<SolutionRecord | null> {
    const id = await this.holderOf(name);
    return id === null ? null : this.get(id);
  }

  /**
   * True when the name's index entry named a solution that no longer holds it (deleted, or renamed, with
   * the process stopped before the entry was freed) and is now free.
   */
  private async releaseStaleName(nameKey: string): Promise<boolean> {
    const holderId = await this.ctx.redis.hget(this.ctx.keys.names, nameKey);
    if (holderId === null) return true;
    return (await this.ctx.scripts.releaseName({ nameKey, holderId })) === 'released';
  }

  private async adoptIdentities(): Promise<void> {
    const { redis, keys, scripts } = this.ctx;
    let cursor = '0';
    do {
      const [next, ids] = await redis.sscan(keys.solutions, cursor, 'COUNT', 500);
      cursor = next;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(keys.solution(id), 'name');
      const names = (await pipeline.exec()) ?? [];
      await Promise.all(
        ids.map((id, i) => {
          const name = names[i]?.[1];
          return typeof name === 'string'
            ? scripts.adoptIdentity({ id, nameKey: solutionNameKey(name) })
            : null;
        }),
      );
    } while (cursor !== '0');
  }

  async exists(id: string): Promise<boolean> {
    return (await this.ctx.redis.exists(this.ctx.keys.solution(id))) === 1;
  }

  async get(id: string): Promise<SolutionRecord | null> {
    const hash = await this.ctx.redis.hgetall(this.ctx.keys.solution(id));
    return Object.keys(hash).length === 0 ? null : parseSolutionHash(hash);
  }

  /** One SSCAN step over every solution id: a page of about `count` ids and the cursor of the next. */
  async scanIds(cursor: string, count: number): Promise<{ ids: string[]; next: string }> {
    const [next, ids] = await this.ctx.redis.sscan(this.ctx.keys.solutions, cursor, 'COUNT', count);
    return { ids: [...new Set(ids)], next };
  }

  /** Several solutions in one round trip; null for missing ones, and an Error for a corrupt record. */
  async getMany(ids: string[]): Promise<(SolutionRecord | null | Error)[]> {
    const { redis, keys } = this.ctx;
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.solution(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, hash]) => {
      if (err) return err;
      if (!hash || Object.keys(hash).length === 0) return null;
      try {
        return parseSolutionHash(hash as Record<string, string>);
      } catch (e) {
        return e as Error;
      }
    });
  }

  /** Every solution, read in pipelined batches. Corrupt records are skipped and reported to `onCorrupt`. */
  async list(onCorrupt?: (id: string, err: unknown) => void): Promise<SolutionRecord[]> {
    const { redis, keys } = this.ctx;
    const ids = await redis.smembers(keys.solutions);
    const out: SolutionRecord[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = ids.slice(i, i + 1000);
      const pipeline = redis.pipeline();
      for (const id of batch) pipeline.hgetall(keys.solution(id));
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([err, hash], j) => {
        const id = batch[j] as string;
        if (err || !hash || Object.keys(hash).length === 0) return;
        try {
          out.push(parseSolutionHash(hash as Record<string, string>));
        } catch (e) {
          onCorrupt?.(id, e);
        }
      });
    }
    return out;
  }

  async count(): Promise<number> {
    return this.ctx.redis.scard(this.ctx.keys.solutions);
  }

  /** Stores a new token hash, revoking the old token. `onlyIfNone` makes it issue-once. */
  async setTokenHash(id: string, hash: string, onlyIfNone = false): Promise<'set' | 'exists' | 'missing'> {
    return this.ctx.scripts.setToken({ id, hash, onlyIfNone });
  }

  /** The solution a token hash belongs to, and the hash stored on it (for the constant-time check). */
  async findByTokenHash(hash: string): Promise<{ id: string; storedHash: string | null } | null> {
    const { redis, keys } = this.ctx;
    const id = await redis.get(keys.token(hash));
    if (id === null) return null;
    const storedHash = await redis.hget(keys.solution(id), 'tokenHash');
    return { id, storedHash };
  }

  /**
   * Applies a configuration change if the solution is still at `expectedVersion` (a stale modal or
   * button must not overwrite a newer change). It bumps `rev`, so the evaluator re-judges the solution.
   */
  async updateConfig(
    id: string,
    patch: ConfigPatch,
    expectedVersion: number | null,
    now: number,
  ): Promise<'ok' | 'missing' | 'stale' | 'name-taken'> {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      fields[k] = Array.isArray(v) ? JSON.stringify(v) : v === null ? '' : String(v);
    }
    const nameKey = typeof patch.name === 'string' ? solutionNameKey(patch.name) : null;
    if (nameKey !== null) await this.ensureIdentities();
    for (;;) {
      const outcome = await this.ctx.scripts.updateConfig({ id, expectedVersion, now, nameKey, fields });
      if (outcome !== 'name-taken' || nameKey === null || !(await this.releaseStaleName(nameKey))) {
        return outcome;
      }
    }
  }

  /**
   * Deletes a solution, its token, history and pending work, and frees its name. Audit records are kept,
   * and its id stays used: it is never given to another solution.
   */
  async delete(id: string): Promise<boolean> {
    const { redis, keys, scripts } = this.ctx;
    const [tokenHash, nameKey] = await redis.hmget(keys.solution(id), 'tokenHash', 'nameKey');
    const tx = redis
      .multi()
      .del(keys.solution(id))
      .srem(keys.solutions, id)
      .zrem(keys.deadlines, id)
      .zrem(keys.statusIndex, ...indexMembers(id))
      .srem(keys.snoozed, id)
      .del(keys.healthHistory(id), keys.events(id), keys.eventIds(id), keys.solutionEnrollments(id));
    if (tokenHash) tx.del(keys.token(tokenHash));
    const result = await tx.exec();
    // A crash before this line leaves the entry behind; the next solution wanting the name frees it.
    if (nameKey) await scripts.releaseName({ nameKey, holderId: id });
    return (result?.[0]?.[1] as number) === 1;
  }

  /** Holds alerts until `until` (ms), or until the solution recovers when `until` is Infinity. */
  async snooze(id: string, until: number, by: string): Promise<boolean> {
    return this.applyIncident(id, { snoozedUntil: until, snoozedBy: by });
  }

  async acknowledge(id: string, by: string): Promise<boolean> {
    return this.applyIncident(id, { acknowledgedBy: by });
  }

  /** Writes an incident transition (domain/incident.ts) on the record, if the solution still exists. */
  async applyIncident(id: string, patch: IncidentPatch): Promise<boolean> {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(patch) as [
      keyof IncidentPatch,
      IncidentPatch[keyof IncidentPatch],
    ][]) {
      if (v === undefined) continue;
      if (v === null) fields[k] = '';
      else if (v === Number.POSITIVE_INFINITY) fields[k] = String(SNOOZE_UNTIL_RECOVERED);
      else fields[k] = String(v);
    }
    if (Object.keys(fields).length === 0) return this.exists(id);
    const applied = await this.setIfExists(id, fields);
    // The status read model's list of snoozed solutions (a stale member is harmless: readers check the
    // record's own snooze).
    if (applied && patch.snoozedBy !== undefined) {
      if (patch.snoozedBy === null) await this.ctx.redis.srem(this.ctx.keys.snoozed, id);
      else await this.ctx.redis.sadd(this.ctx.keys.snoozed, id);
    }
    return applied;
  }

  /** The solutions with a snooze recorded (their records say whether it is still in force). */
  async snoozedIds(): Promise<string[]> {
    return this.ctx.redis.smembers(this.ctx.keys.snoozed);
  }

  private async setIfExists(id: string, fields: Record<string, string>): Promise<boolean> {
    return (await this.ctx.scripts.hsetIfExists({ key: this.ctx.keys.solution(id), fields })) === 'set';
  }
}
