/**
 * A solution's identity, end to end (HTTP, Slack clicks, the real Redis, a fake Slack): an id names one
 * incarnation and is never reused, so nothing that carries the id of a deleted solution (a button, a flip,
 * a queued alert, a connection request) can act on a later solution of the same name; and names are unique.
 */
import { describe, expect } from 'vitest';
import { ACTION } from '../../src/slack/action-values.js';
import { buttonValue } from '../harness/drivers.js';
import { secsolTest } from '../harness/fixtures.js';
import { toldTo } from '../harness/slack-expectations.js';

const it = secsolTest({
  env: { SECSOL_APPROVERS: 'U0APPROVER', SECSOL_EXPECTED_EVERY: '10m' },
  slackAcceptsAll: true,
});

describe('when a solution is deleted and one with the same name is created', () => {
  it('is a new solution: a new id, none of the old flips, old buttons cannot touch it, its alert is prompt', async ({
    secsol,
    fake,
  }) => {
    const old = await secsol.createSolution('Reborn Qualys VA');
    await secsol.becomeHealthy(old);
    await secsol.openIncident(old, 'scanner down');
    const oldView = await secsol.solution(old.id);
    expect(oldView.flips.length).toBe(2);

    expect((await secsol.admin('DELETE', `/api/v1/solutions/${old.id}`)).status).toBe(204);
    const reborn = await secsol.createSolution('Reborn Qualys VA');
    expect(reborn.id).not.toBe(old.id);
    expect((await secsol.solution(reborn.id)).flips).toEqual([]);
    expect((await secsol.admin('GET', `/api/v1/solutions/${old.id}`)).status).toBe(404);

    // The Delete button of a view shown before the delete names the old incarnation only.
    await secsol.click({
      actionId: ACTION.delete,
      value: JSON.stringify({ s: old.id, v: 1 }),
      user: 'U0APPROVER',
      channel: 'C0SECOPS',
    });
    await fake.waitFor(toldTo('U0APPROVER', 'was deleted'));
    expect(await secsol.stateOf(reborn.id)).toBe('not_reported');

    // Its first incident gets fresh flip ids, so the alert goes out at once (a reused flip id found an
    // old delivery record and waited for the stuck-outbox sweep).
    await secsol.becomeHealthy(reborn);
    const alert = await secsol.openIncident(reborn, 'scanner down again', { timeoutMs: 6000 });
    expect(JSON.stringify(alert.call.args.blocks)).toContain('scanner down again');
    const flips = (await secsol.solution(reborn.id)).flips as { id: string }[];
    expect(flips.map((f) => f.id)).not.toContain(oldView.flips[0].id);
  });
});

describe('when a solution with a pending connection request is deleted', () => {
  it('cancels the request: its buttons act on nothing, the requester is told, a namesake is untouched', async ({
    secsol,
    fake,
  }) => {
    const enrollmentId = await secsol.enroll('Reborn Tenable');
    const request = await secsol.approvalRequest(enrollmentId);
    const oldId = (JSON.parse(buttonValue(request, ACTION.approve)) as { s: string }).s;

    expect((await secsol.admin('DELETE', `/api/v1/solutions/${oldId}`)).status).toBe(204);
    await secsol.waitForUpdate(request, /cancelled \(the solution was deleted\)/);

    const namesake = await secsol.createSolution('Reborn Tenable');
    expect(namesake.id).not.toBe(oldId);

    await secsol.clickApprove(request, 'U0APPROVER');
    await fake.waitFor(toldTo('U0APPROVER', 'This request was cancelled'));
    await secsol.clickDeny(request, 'U0APPROVER');
    await fake.waitFor(toldTo('U0APPROVER', 'This request was cancelled'), { count: 2 });
    expect((await secsol.admin('POST', `/api/v1/enroll/${enrollmentId}/approve`)).status).toBe(409);

    // The requester learns it was cancelled, and no token (least of all the namesake's) is handed out.
    const polled = await secsol.pollEnrollment(enrollmentId);
    expect(polled.status).toBe(200);
    expect(polled.body).toEqual({ status: 'cancelled' });

    // The namesake stays connected and keeps reporting.
    expect((await secsol.solution(namesake.id)).lifecycle).toBe('connected');
    expect((await secsol.report(namesake, 'healthy')).status).toBe(202);
  });
});

describe('names are unique, case and spacing aside', () => {
  it('refuses a second solution with a taken name with 409 and the existing id, in the API and enrollment', async ({
    secsol,
  }) => {
    const first = await secsol.createSolution('Unique CrowdStrike Falcon');
    const again = await secsol.admin('POST', '/api/v1/solutions', {
      name: '  unique   crowdstrike FALCON ',
      vendor: 'Vendor',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'secsol_conflict', existingId: first.id });

    const enrolled = await secsol.enrollmentApi('POST', '/api/v1/enroll', {
      name: 'ＵＮＩＱＵＥ CrowdStrike Falcon', // full-width letters: the same name to a reader
      vendor: 'Vendor',
    });
    expect(enrolled.status).toBe(409);
    expect(enrolled.body).toMatchObject({ error: 'secsol_conflict', existingId: first.id });

    // Nothing half-written: still one solution of that name.
    const listed = await secsol.admin('GET', '/api/v1/solutions?limit=500');
    const named = (listed.body.solutions as { name: string }[]).filter((s) =>
      /crowdstrike falcon/i.test(s.name),
    );
    expect(named).toHaveLength(1);

    // `/secsol view <name>` finds it by name, whatever the case.
    const view = await secsol.runCommand('/secsol view unique crowdstrike falcon');
    expect(JSON.stringify(view.json)).toContain(first.id);

    // Deleted, the name is free again (under a new id).
    expect((await secsol.admin('DELETE', `/api/v1/solutions/${first.id}`)).status).toBe(204);
    const second = await secsol.createSolution('Unique CrowdStrike Falcon');
    expect(second.id).not.toBe(first.id);
  });
});
