/**
 * Solution lifecycle, shared by the HTTP API and Slack: create, enroll, decide, connect, tokens, delete.
 * Every decision is audited with who made it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { HealthPolicy } from '../domain/health.js';
import type { Solution } from '../domain/model.js';
import type { Outbox } from '../outbox/outbox.js';
import type { AuditEntry, AuditRepository } from '../storage/audit-repository.js';
import type { Decision, Enrollment, EnrollmentRepository } from '../storage/enrollment-repository.js';
import type { ConfigPatch, SolutionRepository } from '../storage/solution-repository.js';
import { type NewSolution, newSolution, slugify } from './new-solution.js';
import { hashToken, newToken } from './tokens.js';

export interface SolutionServiceDeps {
  solutions: SolutionRepository;
  enrollments: EnrollmentRepository;
  audit: AuditRepository;
  outbox: Outbox;
  approvalChannel: string;
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

export type ConnectResult =
  | { outcome: 'connected'; enrollmentId: string }
  | { outcome: 'missing' }
  /** Not (or no longer) a discovered solution at the expected version: someone else acted first. */
  | { outcome: 'stale'; lifecycle?: Solution['lifecycle']; decidedBy?: string };

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
    return this.requestConnection(solution.id, requestedBy, solution.name);
  }

  /** A request to connect a discovered solution, posted to the approval channel with Approve / Deny. */
  async requestConnection(solutionId: string, requestedBy: string, name?: string): Promise<Enrollment> {
    const now = this.deps.now();
    const solutionName = name ?? (await this.deps.solutions.get(solutionId))?.solution.name;
    const enrollment: Enrollment = {
      id: `enr-${randomUUID()}`,
      solutionId,
      status: 'pending',
      createdAt: now,
      requestedBy,
      ...(solutionName !== undefined ? { solutionName } : {}),
    };
    await this.deps.enrollments.create(enrollment);
    // The request message is an outbox item of its own (the enrollment's hash carries its delivery).
    await this.deps.outbox.add('approval', {
      id: enrollment.id,
      channel: this.deps.approvalChannel,
      fields: { solutionId },
    });
    await this.audit({
      actor: requestedBy,
      action: 'connection.request',
      solutionId,
      outcome: 'pending',
      detail: enrollment.id,
    });
    return enrollment;
  }

  /**
   * Approve or deny, exactly once, whoever clicks first. With `expectedVersion` (a Slack button's `v`), a
   * solution that changed since the button was built is refused as 'stale' in the same atomic step.
   */
  async decide(
    enrollmentId: string,
    decision: 'approved' | 'denied',
    actor: string,
    opts: { expectedVersion?: number } = {},
  ): Promise<Decision> {
    const now = this.deps.now();
    const enrollment = await this.deps.enrollments.get(enrollmentId);
    if (!enrollment) return { applied: false, status: 'missing', decidedBy: '' };
    const result = await this.deps.enrollments.decide(
      enrollmentId,
      enrollment.solutionId,
      decision,
      actor,
      now,
      this.firstDeadline(now),
      opts.expectedVersion,
    );
    await this.audit({
      actor,
      action: decision === 'approved' ? 'connection.approve' : 'connection.deny',
      solutionId: enrollment.solutionId,
      outcome: result.applied
        ? 'applied'
        : result.status === 'stale'
          ? 'refused: stale'
          : `refused: already ${result.status}`,
      detail: enrollmentId,
    });
    if (result.applied) {
      // Shown in the request message wherever it was decided (Slack or the admin API), through the outbox.
      await this.deps.outbox.addEdit('approval-edit', enrollmentId, {
        id: `edit-${randomUUID()}`,
        channel: enrollment.requestChannel ?? this.deps.approvalChannel,
        fields: { enrollmentId },
      });
    }
    return result;
  }

  /** The id of the solution holding a name (names are unique, case and spacing aside). */
  holderOf(name: string): Promise<string | null> {
    return this.deps.solutions.holderOf(name);
  }

  async enrollment(enrollmentId: string): Promise<Enrollment | null> {
    return this.deps.enrollments.get(enrollmentId);
  }

  /** The solution's oldest connection request still waiting for an approver. */
  async pendingRequest(solutionId: string): Promise<Enrollment | null> {
    const [pending] = await this.deps.enrollments.pendingFor(solutionId);
    return pending ?? null;
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

  /**
   * An approver connects a discovered solution directly (Connect in Slack). It goes through an enrollment,
   * so the decision is audited and shown in a request message like any other: the solution's own pending
   * request when it has one (a self-enrolled solution then receives its token when it polls), otherwise a
   * new request decided at once. The decision is a compare-and-set on the enrollment and on the solution's
   * version, so two approvers clicking together connect it exactly once.
   */
  async connectDiscovered(
    solutionId: string,
    actor: string,
    expectedVersion?: number,
  ): Promise<ConnectResult> {
    const rec = await this.deps.solutions.get(solutionId);
    if (!rec) return { outcome: 'missing' };
    const version = expectedVersion ?? rec.solution.version;
    if (rec.solution.lifecycle !== 'discovered' || rec.solution.version !== version) {
      await this.audit({
        actor,
        action: 'connection.approve',
        solutionId,
        outcome: 'refused: stale',
        detail: `lifecycle ${rec.solution.lifecycle}, version ${rec.solution.version}`,
      });
      return { outcome: 'stale', lifecycle: rec.solution.lifecycle };
    }
    const [pending] = await this.deps.enrollments.pendingFor(solutionId);
    const enrollment = pending ?? (await this.requestConnection(solutionId, actor));
    const decision = await this.decide(enrollment.id, 'approved', actor, { expectedVersion: version });
    if (decision.applied) return { outcome: 'connected', enrollmentId: enrollment.id };
    if (decision.status === 'missing') return { outcome: 'missing' };
    const after = await this.deps.solutions.get(solutionId);
    return {
      outcome: 'stale',
      lifecycle: after?.solution.lifecycle,
      decidedBy: decision.decidedBy || undefined,
    };
  }

  /**
   * The enrollment's status for the polling solution. The token is created on the first read after
   * approval and never stored in clear: a second read cannot show it again.
   */
  async poll(
    enrollmentId: string,
  ): Promise<{ status: Enrollment['status']; solutionId?: string; token?: string } | null> {
    const enrollment = await this.deps.enrollments.get(enrollmentId);
    if (!enrollment) return null;
    if (enrollment.status !== 'approved') return { status: enrollment.status };
    if (enrollment.tokenIssued) return { status: 'approved', solutionId: enrollment.solutionId };
    if (!(await this.deps.enrollments.claimTokenIssue(enrollmentId))) {
      return { status: 'approved', solutionId: enrollment.solutionId };
    }
    const token = newToken();
    const set = await this.deps.solutions.setTokenHash(enrollment.solutionId, hashToken(token), true);
    if (set !== 'set') return { status: 'approved', solutionId: enrollment.solutionId };
    await this.audit({
      actor: 'enrollment-api',
      action: 'token.issue',
      solutionId: enrollment.solutionId,
      outcome: 'applied',
      detail: enrollmentId,
    });
    return { status: 'approved', solutionId: enrollment.solutionId, token };
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
    const pending = await this.deps.enrollments.pendingFor(solutionId);
    const deleted = await this.deps.solutions.delete(solutionId);
    await this.audit({
      actor,
      action: 'solution.delete',
      solutionId,
      outcome: deleted ? 'applied' : 'refused: not found',
    });
    for (const enrollment of pending) {
      if (!(await this.deps.enrollments.cancel(enrollment.id, actor, this.deps.now()))) continue;
      await this.audit({
        actor,
        action: 'connection.cancel',
        solutionId,
        outcome: 'applied',
        detail: enrollment.id,
      });
      await this.deps.outbox.addEdit('approval-edit', enrollment.id, {
        id: `edit-${randomUUID()}`,
        channel: enrollment.requestChannel ?? this.deps.approvalChannel,
        fields: { enrollmentId: enrollment.id },
      });
    }
    return deleted;
  }
}
