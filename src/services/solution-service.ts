/**
 * Solution lifecycle, shared by the HTTP API and Slack: create, enroll, configure, tokens, delete (the
 * connection requests themselves are connection-requests.ts). Every change is audited with who made it.
 */
import { randomBytes } from 'node:crypto';
import type { HealthPolicy } from '../domain/health.js';
import type { Solution } from '../domain/model.js';
import type { AuditEntry, AuditRepository } from '../storage/audit-repository.js';
import type { Enrollment } from '../storage/enrollment-repository.js';
import type { ConfigPatch, SolutionRepository } from '../storage/solution-repository.js';
import type { ConnectionRequests } from './connection-requests.js';
import { type NewSolution, newSolution, slugify } from './new-solution.js';
import { hashToken, newToken } from './tokens.js';

export interface SolutionServiceDeps {
  solutions: SolutionRepository;
  audit: AuditRepository;
  /** Enrollment posts a request; a delete cancels the solution's requests still waiting. */
  requests: ConnectionRequests;
  defaults: HealthPolicy;
  now: () => number;
}

export type { Enrollment } from '../storage/enrollment-repository.js';
export type { ConfigPatch } from '../storage/solution-repository.js';
export { type NewSolution, SOLUTION_ID_PATTERN, slugify } from './new-solution.js';

/** Names are unique (case and spacing aside): a second solution with a taken name is refused. */
export class NameTakenError extends Error {
  constructor(
    readonly requestedName: string,
    readonly existingId: string,
  ) {
    super(`a solution named "${requestedName}" already exists (id ${existingId})`);
    this.name = 'NameTakenError';
  }
}

export class SolutionService {
  constructor(private readonly deps: SolutionServiceDeps) {}

  /** When a newly connected solution is first looked at: the end of the no-data window. */
  private firstDeadline(now: number): number {
    return now + this.deps.defaults.silenceWindow + 1;
  }

  private async createUnique(
    input: NewSolution,
    lifecycle: 'connected' | 'discovered',
    source: 'push' | 'azure',
  ): Promise<Solution> {
    const now = this.deps.now();
    const base = slugify(input.name);
    // The slug first; an id in use or used before (ids are never reused) gets a random suffix.
    for (let attempt = 0; attempt < 8; attempt++) {
      const id = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
      const solution = newSolution(input, { id, lifecycle, source, now });
      const deadline = lifecycle === 'connected' ? this.firstDeadline(now) : null;
      const outcome = await this.deps.solutions.create(solution, now, deadline);
      if (outcome === 'created') return solution;
      if (outcome === 'name-taken') {
        throw new NameTakenError(input.name, (await this.deps.solutions.holderOf(input.name)) ?? '');
      }
    }
    throw new Error('could not find a free solution id');
  }

  /** Admin API: a connected solution and its token (returned once, stored as a hash). */
  async createConnected(input: NewSolution, actor: string): Promise<{ solution: Solution; token: string }> {
    const solution = await this.createUnique(input, 'connected', 'push');
    const token = newToken();
    await this.deps.solutions.setTokenHash(solution.id, hashToken(token));
    await this.audit({ actor, action: 'solution.create', solutionId: solution.id, outcome: 'applied' });
    return { solution, token };
  }

  /** Self-enrollment: the solution arrives as discovered and an approval request is posted. */
  async enroll(input: NewSolution, requestedBy: string): Promise<Enrollment> {
    const solution = await this.createUnique(input, 'discovered', 'push');
    return this.deps.requests.request(solution.id, requestedBy, solution.name);
  }

  /** The id of the solution holding a name (names are unique, case and spacing aside). */
  holderOf(name: string): Promise<string | null> {
    return this.deps.solutions.holderOf(name);
  }

  /**
   * A configuration change at the version the change was prepared on (a modal's), audited with its
   * outcome; 'stale' when someone else saved first.
   */
  async configure(
    solutionId: string,
    patch: ConfigPatch,
    expectedVersion: number,
    change: { actor: string; action: string; detail: string },
  ): Promise<'ok' | 'missing' | 'stale' | 'name-taken'> {
    const result = await this.deps.solutions.updateConfig(
      solutionId,
      patch,
      expectedVersion,
      this.deps.now(),
    );
    await this.audit({
      actor: change.actor,
      action: change.action,
      solutionId,
      outcome: result === 'ok' ? 'applied' : `refused: ${result}`,
      detail: change.detail,
    });
    return result;
  }

  /** Records an attempt that was refused before it changed anything (who tried what is worth keeping). */
  async refused(attempt: {
    actor: string;
    action: string;
    solutionId?: string;
    detail: string;
  }): Promise<void> {
    await this.audit({ outcome: 'refused', ...attempt });
  }

  /** A new token; the old one stops working at once. */
  async rotateToken(solutionId: string, actor: string): Promise<string | null> {
    const token = newToken();
    const r = await this.deps.solutions.setTokenHash(solutionId, hashToken(token));
    if (r === 'missing') return null;
    await this.audit({ actor, action: 'token.rotate', solutionId, outcome: 'applied' });
    return token;
  }

  private audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    return this.deps.audit.record({ at: this.deps.now(), ...entry });
  }

  /**
   * Deletes a solution and cancels its connection requests still waiting: their buttons then say so, and
   * a poll answers 'cancelled'. The id is never given to another solution, so nothing that carries it (a
   * button, a flip, an outbox item, a request) can act on a later solution of the same name.
   */
  async delete(solutionId: string, actor: string): Promise<boolean> {
    const pending = await this.deps.requests.waiting(solutionId);
    const deleted = await this.deps.solutions.delete(solutionId);
    await this.audit({
      actor,
      action: 'solution.delete',
      solutionId,
      outcome: deleted ? 'applied' : 'refused: not found',
    });
    await this.deps.requests.cancelFor(solutionId, pending, actor);
    return deleted;
  }
}
