/**
 * Connect on a discovered solution: an approver connects it at once (exactly once, even when two click
 * together), anyone else sends a connection request to the approval channel.
 */
import { describe, expect } from 'vitest';
import { ACTION } from '../../../src/slack/action-values.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { EnrollmentRepository } from '../../../src/storage/enrollment-repository.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';
import { APPROVAL_CHANNEL, type TestApp } from '../../harness/app.js';
import type { Secsol } from '../../harness/drivers.js';
import type { SlackCall } from '../../harness/fake-slack.js';
import { secsolTest } from '../../harness/fixtures.js';
import { toldTo } from '../../harness/slack-expectations.js';
import { waitUntil } from '../../harness/wait.js';
import { seedSolution } from './seed-solution.js';

const it = secsolTest({ env: { SECSOL_APPROVERS: 'U0APPROVER,U0APPROVER2' }, slackAcceptsAll: true })
  .extend('solutions', { scope: 'file' }, ({ app }) => new SolutionRepository(app.ctx))
  .extend('enrollments', { scope: 'file' }, ({ app }) => new EnrollmentRepository(app.ctx));
const CHANNEL = 'C0SECOPS';

const inApprovalChannel = (text: string) => (c: SlackCall) =>
  (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
  c.args.channel === APPROVAL_CHANNEL &&
  JSON.stringify(c.args.blocks).includes(text);

function connect(secsol: Secsol, id: string, user: string, v = 1) {
  return secsol.click({
    actionId: ACTION.connect,
    value: JSON.stringify({ s: id, v }),
    user,
    channel: CHANNEL,
  });
}

async function connectAudit(app: TestApp, id: string) {
  return (await new AuditRepository(app.ctx).recent(id)).filter((a) => a.action === 'connection.approve');
}

describe('when someone who is not an approver clicks Connect', () => {
  it('sends one connection request to the approval channel and says so', async ({
    app,
    fake,
    secsol,
    solutions,
    enrollments,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Azure AD Identity Protection', lifecycle: 'discovered' });
    await connect(secsol, s.id, 'U0ANALYST');
    await fake.waitFor(toldTo('U0ANALYST', 'Request sent'));
    const [request] = await fake.waitFor(inApprovalChannel(s.id));
    expect(JSON.stringify(request?.args.blocks)).toContain(ACTION.approve);
    expect(JSON.stringify(request?.args.blocks)).toContain('Requested by <@U0ANALYST>');
    const [pending] = await enrollments.pendingFor(s.id);
    expect(pending?.requestedBy).toBe('slack:U0ANALYST');
    expect((await solutions.get(s.id))?.solution.lifecycle).toBe('discovered');

    // Asking again while a request waits does not post a second one.
    await connect(secsol, s.id, 'U0OTHER');
    await fake.waitFor(toldTo('U0OTHER', 'already waiting for an approver'));
    expect(await enrollments.pendingFor(s.id)).toHaveLength(1);
  });
});

describe('when an approver clicks Connect', () => {
  it('connects a self-enrolled solution by deciding its own request, so the solution gets its token', async ({
    fake,
    secsol,
    enrollments,
  }) => {
    const enrollmentId = await secsol.enroll('Self enrolled scanner', { vendor: 'Rapid7' });
    const enrollment = await waitUntil(async () => {
      const e = await enrollments.get(enrollmentId);
      return e?.requestTs ? e : null;
    });
    await connect(secsol, enrollment.solutionId, 'U0APPROVER');
    await fake.waitFor(toldTo('U0APPROVER', 'is connected'));
    const [update] = await fake.waitFor(
      (c) => c.method === 'chat.update' && c.args.ts === enrollment.requestTs,
    );
    expect(JSON.stringify(update?.args.blocks)).toContain('Approved by <@U0APPROVER>');
    const polled = await secsol.pollEnrollment(enrollmentId);
    expect(polled.body).toMatchObject({ status: 'approved', solutionId: enrollment.solutionId });
    expect(polled.body.token).toMatch(/^secsol_/);
  });

  it('connects exactly once when two approvers click at the same moment', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Contested Connect', lifecycle: 'discovered' });
    await Promise.all([connect(secsol, s.id, 'U0APPROVER'), connect(secsol, s.id, 'U0APPROVER2')]);
    await waitUntil(() =>
      fake.calls.filter((c) => c.method === 'chat.postEphemeral' && String(c.args.text).includes('Contested'))
        .length >= 2
        ? true
        : null,
    );
    const record = await solutions.get(s.id);
    expect(record?.solution.lifecycle).toBe('connected');
    expect(record?.solution.version).toBe(2);
    expect((await connectAudit(app, s.id)).filter((a) => a.outcome === 'applied')).toHaveLength(1);
    const texts = fake
      .callsTo('chat.postEphemeral')
      .map((c) => String(c.args.text))
      .filter((t) => t.includes('Contested Connect'));
    expect(texts.filter((t) => t.includes('is connected'))).toHaveLength(1);
    // The other approver lost the race either before reading the solution or inside the decision.
    expect(
      texts.filter((t) => /was already connected|changed since this message was posted/.test(t)),
    ).toHaveLength(1);
    // The decision is visible in the approval channel too.
    await fake.waitFor(inApprovalChannel('Approved by <@U0APPROVER'));
  });

  it('redraws the status page it was clicked in', async ({ app, fake, secsol }) => {
    const s = await seedSolution(app.ctx, { name: 'Connected from status', lifecycle: 'discovered' });
    const responseUrl = fake.newResponseUrl({ channel: CHANNEL, user: 'U0APPROVER' });
    await secsol.click({
      actionId: ACTION.connect,
      value: JSON.stringify({ s: s.id, v: 1 }),
      user: 'U0APPROVER',
      channel: CHANNEL,
      ephemeral: true,
      responseUrl,
      messageBlocks: [
        { type: 'section', block_id: 'status_counts', fields: [{ type: 'mrkdwn', text: 'x' }] },
      ],
    });
    const posts = await waitUntil(() => {
      const p = fake.responsePosts(responseUrl);
      return p.length >= 2 ? p : null;
    });
    const redrawn = posts.find((p) => p.body.replace_original === true);
    expect(JSON.stringify(redrawn?.body.blocks)).toContain('Connected from status');
    expect(JSON.stringify(redrawn?.body.blocks)).toContain('status_counts');
  });
});

describe('when Connect is clicked on a stale or invalid button', () => {
  it('refuses a solution that changed or is gone, and a forged value', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Already moved on', lifecycle: 'discovered', version: 3 });
    await connect(secsol, s.id, 'U0APPROVER', 1);
    await fake.waitFor(toldTo('U0APPROVER', 'changed since this message was posted'));
    await connect(secsol, 'never-existed', 'U0APPROVER');
    await fake.waitFor(toldTo('U0APPROVER', '`never-existed` was deleted'));
    await secsol.click({
      actionId: ACTION.connect,
      value: '{"s":"x","v":-1}',
      user: 'U0APPROVER',
      channel: CHANNEL,
    });
    await fake.waitFor(toldTo('U0APPROVER', 'This button is not valid'));
    expect((await solutions.get(s.id))?.solution.lifecycle).toBe('discovered');
    expect(await connectAudit(app, s.id)).toEqual([]);
  });
});
