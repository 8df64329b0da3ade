/**
 * Approve / Deny on a connection request, through the real /slack/events endpoint (RELIABILITY 7.2 C:
 * tests 9 to 11): approvers only, exactly once under concurrent clicks, one message update per decision,
 * tampered and stale values refused, and a refusal changes nothing but the audit trail.
 */
import { describe, expect } from 'vitest';
import { ACTION } from '../../../src/slack/action-values.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { EnrollmentRepository } from '../../../src/storage/enrollment-repository.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';
import { startApp, type TestApp } from '../../harness/app.js';
import { type ApprovalRequest, Secsol } from '../../harness/drivers.js';
import { secsolTest } from '../../harness/fixtures.js';
import { toldTo, updatesOf } from '../../harness/slack-expectations.js';
import { waitUntil } from '../../harness/wait.js';
import { seedSolution } from './seed-solution.js';

const it = secsolTest({ env: { SECSOL_APPROVERS: 'U0APPROVER,U0APPROVER2,S0GROUP' }, slackAcceptsAll: true });

it.beforeAll(({ fake }) => {
  fake.setUsergroup('S0GROUP', ['U0MEMBER']);
});

interface Request extends ApprovalRequest {
  solutionId: string;
  value: string;
}

/** Enrolls a solution through the API and waits for its request message in the approval channel. */
async function pendingRequest(secsol: Secsol, name: string): Promise<Request> {
  const enrollmentId = await secsol.enroll(name, { vendor: 'Qualys', family: 'va' });
  const request = await secsol.approvalRequest(enrollmentId);
  // The message's ts is recorded just after Slack answers; a click before that would find no request.
  const enrollments = new EnrollmentRepository(secsol.app.ctx);
  const enrollment = await waitUntil(async () => {
    const e = await enrollments.get(enrollmentId);
    return e?.requestTs === request.ts ? e : null;
  });
  const actions = (
    request.call.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]
  ).find((b) => b.type === 'actions');
  const value = actions?.elements?.find((e) => e.action_id === ACTION.approve)?.value as string;
  return { ...request, solutionId: enrollment.solutionId, value };
}

function approve(secsol: Secsol, req: Request, user: string, value = req.value) {
  return secsol.clickApprove(req, user, { value });
}

async function auditOf(target: TestApp, solutionId: string) {
  return new AuditRepository(target.ctx).recent(solutionId, 50);
}

describe('when an approver approves a connection request', () => {
  it('connects the solution once and the request message says who approved it', async ({
    app,
    fake,
    secsol,
  }) => {
    const req = await pendingRequest(secsol, 'Qualys VA one');
    const res = await approve(secsol, req, 'U0APPROVER');
    expect(res.status).toBe(200);

    const [update] = await fake.waitFor(updatesOf(req.ts));
    expect(String(update?.args.text)).toContain('approved');
    expect(JSON.stringify(update?.args.blocks)).toContain('Approved by <@U0APPROVER>');
    expect(JSON.stringify(update?.args.blocks)).not.toContain(ACTION.approve);

    const enrollment = await new EnrollmentRepository(app.ctx).get(req.enrollmentId);
    expect(enrollment).toMatchObject({ status: 'approved', decidedBy: 'slack:U0APPROVER' });
    const record = await new SolutionRepository(app.ctx).get(req.solutionId);
    expect(record?.solution.lifecycle).toBe('connected');
    const audit = await auditOf(app, req.solutionId);
    expect(audit.filter((a) => a.action === 'connection.approve')).toEqual([
      expect.objectContaining({ actor: 'slack:U0APPROVER', outcome: 'applied', detail: req.enrollmentId }),
    ]);

    // A second click 50 ms later (the same approver) changes nothing and says who decided.
    await approve(secsol, req, 'U0APPROVER');
    await fake.waitFor(toldTo('U0APPROVER', 'Already approved by <@U0APPROVER>'));
    expect(fake.calls.filter(updatesOf(req.ts))).toHaveLength(1);
  });
});

describe('when two approvers click Approve at the same moment', () => {
  it('applies the approval exactly once, updates the message once and tells the loser who won', async ({
    app,
    fake,
    secsol,
  }) => {
    const req = await pendingRequest(secsol, 'Rapid7 concurrent');
    const [a, b] = await Promise.all([
      approve(secsol, req, 'U0APPROVER'),
      approve(secsol, req, 'U0APPROVER2'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);

    await fake.waitFor(updatesOf(req.ts));
    const enrollment = await new EnrollmentRepository(app.ctx).get(req.enrollmentId);
    const winner = enrollment?.decidedBy?.replace('slack:', '') as string;
    const loser = winner === 'U0APPROVER' ? 'U0APPROVER2' : 'U0APPROVER';
    expect(['U0APPROVER', 'U0APPROVER2']).toContain(winner);
    await fake.waitFor(toldTo(loser, `Already approved by <@${winner}>`));

    expect(fake.calls.filter(updatesOf(req.ts))).toHaveLength(1);
    expect(JSON.stringify(fake.callsTo('chat.update').find(updatesOf(req.ts))?.args.blocks)).toContain(
      `Approved by <@${winner}>`,
    );
    const approvals = (await auditOf(app, req.solutionId)).filter((x) => x.action === 'connection.approve');
    expect(approvals.map((x) => x.outcome).sort()).toEqual(['applied', 'refused: already approved']);
  });
});

describe('when an approver denies a connection request', () => {
  it('dismisses the solution and the message says who denied it', async ({ app, fake, secsol }) => {
    const req = await pendingRequest(secsol, 'Denied WAF');
    await secsol.clickDeny(req, 'U0APPROVER2');
    const [update] = await fake.waitFor(updatesOf(req.ts));
    expect(JSON.stringify(update?.args.blocks)).toContain('Denied by <@U0APPROVER2>');
    expect((await new SolutionRepository(app.ctx).get(req.solutionId))?.solution.lifecycle).toBe('dismissed');
  });
});

describe('when a member of an approver user group clicks Approve', () => {
  it('resolves the group through usergroups.users.list and applies the approval', async ({
    fake,
    secsol,
  }) => {
    const req = await pendingRequest(secsol, 'Group approved EDR');
    await approve(secsol, req, 'U0MEMBER');
    const [update] = await fake.waitFor(updatesOf(req.ts));
    expect(JSON.stringify(update?.args.blocks)).toContain('Approved by <@U0MEMBER>');
    expect(fake.callsTo('usergroups.users.list').some((c) => c.args.usergroup === 'S0GROUP')).toBe(true);
  });
});

describe('when someone who is not an approver clicks Approve', () => {
  it('refuses privately, audits the attempt and changes nothing', async ({ app, fake, secsol }) => {
    const req = await pendingRequest(secsol, 'Not approved NGFW');
    const redis = app.ctx.redis;
    const keys = app.ctx.keys;
    const before = {
      enrollment: await redis.hgetall(keys.enrollment(req.enrollmentId)),
      solution: await redis.hgetall(keys.solution(req.solutionId)),
    };
    for (const verb of [ACTION.approve, ACTION.deny]) {
      await secsol.clickButton(req, verb, 'U0NOT');
    }
    await fake.waitFor(toldTo('U0NOT', 'Only secsol approvers'), { count: 2 });

    expect(await redis.hgetall(keys.enrollment(req.enrollmentId))).toEqual(before.enrollment);
    expect(await redis.hgetall(keys.solution(req.solutionId))).toEqual(before.solution);
    expect(fake.calls.filter(updatesOf(req.ts))).toHaveLength(0);
    const refused = (await auditOf(app, req.solutionId)).filter((a) => a.actor === 'slack:U0NOT');
    expect(refused.map((a) => [a.action, a.outcome]).sort()).toEqual([
      ['connection.approve', 'refused'],
      ['connection.deny', 'refused'],
    ]);
  });
});

describe('when the button value is tampered with or stale', () => {
  it('refuses an unknown request, another solution, a wrong version and garbage, approving nothing', async ({
    app,
    fake,
    secsol,
  }) => {
    const req = await pendingRequest(secsol, 'Tampered target');
    const other = await seedSolution(app.ctx, { name: 'Tampered other', lifecycle: 'discovered' });
    const parsed = JSON.parse(req.value) as { e: string; s: string; v: number };
    const cases: [string, string][] = [
      [
        JSON.stringify({ ...parsed, e: 'enr-00000000-0000-4000-8000-000000000000' }),
        'does not exist any more',
      ],
      [JSON.stringify({ ...parsed, s: other.id }), 'does not match'],
      [JSON.stringify({ ...parsed, v: parsed.v + 5 }), 'changed since this request was posted'],
      ['{"e":"enr-x","s":"<!channel>"}', 'This button is not valid'],
      ['not json', 'This button is not valid'],
    ];
    for (const [value, expected] of cases) {
      await approve(secsol, req, 'U0APPROVER', value);
      await fake.waitFor(toldTo('U0APPROVER', expected));
    }
    expect((await new EnrollmentRepository(app.ctx).get(req.enrollmentId))?.status).toBe('pending');
    expect((await new SolutionRepository(app.ctx).get(other.id))?.solution.lifecycle).toBe('discovered');
    expect(fake.calls.filter(updatesOf(req.ts))).toHaveLength(0);
    const outcomes = (await auditOf(app, req.solutionId)).map((a) => a.outcome);
    expect(outcomes).toContain('refused: stale');
  });
});

describe('when an approver was removed from SECSOL_APPROVERS after the request was posted', () => {
  it('refuses their click after the restart', async ({ fake }) => {
    const first = await startApp(fake, { env: { SECSOL_APPROVERS: 'U0FORMER' } });
    const req = await pendingRequest(new Secsol(first, fake), 'Former approver case');
    await first.running.close();
    first.ctx.redis.disconnect();
    const second = await startApp(fake, { prefix: first.prefix, env: { SECSOL_APPROVERS: 'U0SOMEONE' } });
    try {
      await approve(new Secsol(second, fake), req, 'U0FORMER');
      await fake.waitFor(toldTo('U0FORMER', 'Only secsol approvers'));
      expect((await new EnrollmentRepository(second.ctx).get(req.enrollmentId))?.status).toBe('pending');
      expect(fake.calls.filter(updatesOf(req.ts))).toHaveLength(0);
      const audit = await auditOf(second, req.solutionId);
      expect(audit).toContainEqual(expect.objectContaining({ actor: 'slack:U0FORMER', outcome: 'refused' }));
    } finally {
      await second.close();
    }
  });
});
