/**
 * Connection requests: a discovered solution asks to be connected (self-enrollment, or Connect in Slack),
 * an approver decides once, and the enrolled solution polls for its token. Every decision is audited with
 * who made it, and shown in the request message through the outbox.
 */
import { randomUUID } from 'node:crypto';
import type { HealthPolicy } from '../domain/health.js';
import type { Solution } from '../domain/model.js';
import type { Outbox } from '../outbox/outbox.js';
import type { AuditEntry, AuditRepository } from '../storage/audit-repository.js';
import type { Decision, Enrollment, EnrollmentRepository } from '../storage/enrollment-repository.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import { hashToken, newToken } from './tokens.js';

export interface ConnectionRequestsDeps {
  solutions: SolutionRepository;
  enrollments: EnrollmentRepository;
  audit: AuditRepository;
  outbox: Outbox;
  approvalChannel: string;
  defaults: HealthPolicy;
  now: () => number;
}

export type { Enrollment } from '../storage/enrollment-repository.js';

export type ConnectResult =
  | { outcome: 'connected'; enrollmentId: string }
  | { outcome: 'missing' }
  /** Not (or no longer) a discovered solution at the expected version: someone else acted first. */
  | { outcome: 'stale'; lifecycle?: Solution['lifecycle']; decidedBy?: string };

export class ConnectionRequests {
  constructor(private readonly deps: ConnectionRequestsDeps) {}

  /** When a newly connected solution is first looked at: the end of the no-data window. */
  private firstDeadline(now: number): number {
    return now + this.deps.defaults.silenceWindow + 1;
  }

  private audit(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    return this.deps.audit.record({ at: this.deps.now(), ...entry });
  }

  /** A request to connect a discovered solution, posted to the approval channel with Approve / Deny. */
  async request(solutionId: string, requestedBy: string, name?: string): Promise<Enrollment> {
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

  async enrollment(enrollmentId: string): Promise<Enrollment | null> {
    return this.deps.enrollments.get(enrollmentId);
  }

  /** The solution's oldest connection request still waiting for an approver. */
  async pendingRequest(solutionId: string): Promise<Enrollment | null> {
    const [pending] = await this.deps.enrollments.pendingFor(solutionId);
    return pending ?? null;
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
    const enrollment = pending ?? (await this.request(solutionId, actor));
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

  /**
   * The solution was deleted: its requests still waiting (read before the delete) are cancelled. Their
   * message says so, their buttons change nothing, and a poll answers 'cancelled' without a token.
   */
  async cancelFor(solutionId: string, pending: Enrollment[], actor: string): Promise<void> {
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
  }

  /** The solution's requests still waiting for a decision, oldest first. */
  waiting(solutionId: string): Promise<Enrollment[]> {
    return this.deps.enrollments.pendingFor(solutionId);
  }
}
