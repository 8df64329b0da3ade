/**
 * Saving the Configure modal through /slack/events: each field validated with its error shown under it,
 * one change at the version the modal was opened on, approvers only, audited.
 */
import { describe, expect } from 'vitest';
import { CALLBACK } from '../../../src/slack/action-values.js';
import { CONFIGURE_FIELDS as F } from '../../../src/slack/blocks/modal-blocks.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import type { Secsol } from '../../harness/drivers.js';
import { seedSolution } from '../actions/seed-solution.js';
import { approverTest } from '../approver-test.js';

const it = approverTest;

type Fields = {
  name?: string;
  consoleUrl?: string;
  every?: string;
  grace?: string;
  channel?: string | null;
  owner?: string | null;
  ownerGroup?: string;
  threshold?: string;
};

function values(f: Fields): Record<string, Record<string, unknown>> {
  const text = (v: string | undefined) => ({ type: 'plain_text_input', value: v ?? null });
  return {
    [F.name]: text(f.name),
    [F.consoleUrl]: text(f.consoleUrl),
    [F.every]: text(f.every),
    [F.grace]: text(f.grace),
    [F.alertChannel]: { type: 'conversations_select', selected_conversation: f.channel ?? null },
    [F.owner]: { type: 'users_select', selected_user: f.owner ?? null },
    [F.ownerGroup]: text(f.ownerGroup),
    [F.threshold]: { type: 'number_input', value: f.threshold ?? null },
  };
}

function save(secsol: Secsol, id: string, v: number, f: Fields, user = 'U0APPROVER', meta?: string) {
  return secsol.submit({
    callbackId: CALLBACK.configure,
    privateMetadata: meta ?? JSON.stringify({ s: id, v, c: 'C0SECOPS' }),
    values: values(f),
    user,
  });
}

describe('when an approver saves valid settings', () => {
  it('closes the modal, applies them at the next version, audits and tells the approver', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Configurable WAF', every: 3_600_000 });
    const res = await save(secsol, s.id, 1, {
      name: '  Azure WAF <!channel> ',
      consoleUrl: 'https://portal.azure.com/#waf',
      every: '30m',
      grace: '5m',
      channel: 'C0WAFALERTS',
      owner: 'U0OWNER',
      threshold: '3',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const record = await solutions.get(s.id);
    expect(record?.solution).toMatchObject({
      name: 'Azure WAF <!channel>',
      consoleUrl: 'https://portal.azure.com/#waf',
      every: 30 * 60_000,
      grace: 5 * 60_000,
      alertChannel: 'C0WAFALERTS',
      owner: 'U0OWNER',
      unhealthyThreshold: 3,
      version: 2,
    });
    const audit = await new AuditRepository(app.ctx).recent(s.id);
    expect(audit[0]).toMatchObject({
      actor: 'slack:U0APPROVER',
      action: 'solution.configure',
      outcome: 'applied',
    });
    expect(audit[0]?.detail).toContain('every');
    const [told] = await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && c.args.user === 'U0APPROVER',
    );
    expect(told?.args.channel).toBe('C0SECOPS');
    expect(String(told?.args.text)).toContain('&lt;!channel&gt;');
    expect(String(told?.args.text)).not.toContain('<!channel>');
  });

  it('clears the optional settings left empty, so the defaults apply again', async ({
    app,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, {
      name: 'Clearable',
      every: 60_000,
      grace: 1000,
      consoleUrl: 'https://x.example',
      alertChannel: 'C0OLD',
      owner: 'U0OLD',
      unhealthyThreshold: 4,
    });
    const res = await save(secsol, s.id, 1, { name: 'Clearable' });
    expect(res.text).toBe('');
    const record = await solutions.get(s.id);
    for (const field of [
      'every',
      'grace',
      'consoleUrl',
      'alertChannel',
      'owner',
      'unhealthyThreshold',
    ] as const) {
      expect(record?.solution[field]).toBeUndefined();
    }
  });
});

describe('when the submitted settings are not valid', () => {
  it('saves a user group as the owner, winning over the person picked', async ({
    app,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Group Owned' });
    const res = await save(secsol, s.id, 1, {
      name: 'Group Owned',
      owner: 'U0PERSON',
      ownerGroup: 'S0SECOPS',
    });
    expect(res.status).toBe(200);
    expect((await solutions.get(s.id))?.solution.owner).toBe('S0SECOPS');
  });

  it('keeps the modal open with an error under each wrong field and changes nothing', async ({
    app,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Validated' });
    const res = await save(secsol, s.id, 1, {
      name: '   ',
      consoleUrl: 'javascript:alert(1)',
      every: 'soon',
      grace: '40d',
      channel: 'D0DIRECT',
      owner: 'bob',
      ownerGroup: '<!subteam^S0X>',
      threshold: '0',
    });
    expect(res.status).toBe(200);
    const body = res.json as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors).sort()).toEqual(Object.values(F).sort());
    expect(body.errors[F.every]).toContain('duration like 90s');
    expect(body.errors[F.grace]).toContain('from 0s to 30d');
    expect(body.errors[F.threshold]).toContain('1 to 100');
    expect((await solutions.get(s.id))?.solution.version).toBe(1);
    expect(await new AuditRepository(app.ctx).recent(s.id)).toEqual([]);

    const tooMany = await save(secsol, s.id, 1, { name: 'x'.repeat(201), threshold: '101', every: '5s' });
    const errors = (tooMany.json as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors).sort()).toEqual([F.every, F.name, F.threshold].sort());
  });

  it('refuses a save over a newer change, a deleted solution and a tampered form', async ({
    app,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Raced' });
    expect(await solutions.updateConfig(s.id, { name: 'Raced, saved first' }, 1, Date.now())).toBe('ok');
    const stale = await save(secsol, s.id, 1, { name: 'Raced, saved second' });
    expect((stale.json as { errors: Record<string, string> }).errors[F.name]).toContain(
      'changed since you opened',
    );
    expect((await solutions.get(s.id))?.solution.name).toBe('Raced, saved first');

    const gone = await save(secsol, 'no-such-solution', 1, { name: 'Ghost' });
    expect((gone.json as { errors: Record<string, string> }).errors[F.name]).toContain('deleted');

    const forged = await save(secsol, s.id, 2, { name: 'Forged' }, 'U0APPROVER', '{"s":"<!here>","v":1}');
    expect((forged.json as { errors: Record<string, string> }).errors[F.name]).toContain(
      'not valid any more',
    );
    expect((await solutions.get(s.id))?.solution.name).toBe('Raced, saved first');
  });

  it('refuses a name another solution has (names are unique), and invisible characters in a name', async ({
    app,
    secsol,
    solutions,
  }) => {
    const taken = await seedSolution(app.ctx, { name: 'Named First' });
    const s = await seedSolution(app.ctx, { name: 'Named Second' });
    const clash = await save(secsol, s.id, 1, { name: 'named  FIRST' });
    expect((clash.json as { errors: Record<string, string> }).errors[F.name]).toBe(
      `Another solution already has this name (id ${taken.id}). Names are unique: choose another.`,
    );
    const hidden = await save(secsol, s.id, 1, { name: 'Named\u200bThird' });
    expect((hidden.json as { errors: Record<string, string> }).errors[F.name]).toContain('zero-width');
    expect((await solutions.get(s.id))?.solution).toMatchObject({ name: 'Named Second', version: 1 });

    // Its own name, in another case, is not a clash; the old name is free afterwards.
    expect((await save(secsol, s.id, 1, { name: 'NAMED second' })).json).toBeUndefined();
    expect(await solutions.holderOf('named second')).toBe(s.id);
    expect((await save(secsol, s.id, 2, { name: 'Named Renamed' })).json).toBeUndefined();
    expect(await solutions.holderOf('Named Second')).toBeNull();
    expect(await solutions.holderOf('named renamed')).toBe(s.id);
  });
});

describe('when someone who is not an approver submits the form', () => {
  it('shows the refusal in the modal, audits it and changes nothing', async ({ app, secsol, solutions }) => {
    const s = await seedSolution(app.ctx, { name: 'Not yours' });
    const res = await save(secsol, s.id, 1, { name: 'Hijacked' }, 'U0INTRUDER');
    expect((res.json as { errors: Record<string, string> }).errors[F.name]).toContain(
      'Only secsol approvers',
    );
    expect((await solutions.get(s.id))?.solution).toMatchObject({ name: 'Not yours', version: 1 });
    const audit = await new AuditRepository(app.ctx).recent(s.id);
    expect(audit).toEqual([expect.objectContaining({ actor: 'slack:U0INTRUDER', outcome: 'refused' })]);
  });
});
