/** Saving the Link resources modal through /slack/events. */
import { describe, expect } from 'vitest';
import { CALLBACK } from '../../../src/slack/action-values.js';
import { LINK_FIELD } from '../../../src/slack/blocks/modal-blocks.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import type { Secsol } from '../../harness/drivers.js';
import { seedSolution } from '../actions/seed-solution.js';
import { approverTest } from '../approver-test.js';

const it = approverTest;

function save(secsol: Secsol, id: string, v: number, text: string | null, user = 'U0APPROVER') {
  return secsol.submit({
    callbackId: CALLBACK.link,
    privateMetadata: JSON.stringify({ s: id, v, c: 'C0SECOPS' }),
    values: { [LINK_FIELD]: { type: 'plain_text_input', value: text } },
    user,
  });
}

const errorOf = (res: { json?: unknown }) =>
  (res.json as { errors?: Record<string, string> } | undefined)?.errors?.[LINK_FIELD];

describe('when an approver saves a list of resources', () => {
  it('replaces the linked resources (trimmed, blank lines and repeats dropped) and audits it', async ({
    app,
    fake,
    secsol,
    solutions,
  }) => {
    const s = await seedSolution(app.ctx, { name: 'Linked VA', linkedResources: ['/old'] });
    const res = await save(
      secsol,
      s.id,
      1,
      ' /subscriptions/1/vm-a \n\n/subscriptions/1/vm-b\r\n/subscriptions/1/vm-a\n',
    );
    expect(res.text).toBe('');
    const record = await solutions.get(s.id);
    expect(record?.solution.linkedResources).toEqual(['/subscriptions/1/vm-a', '/subscriptions/1/vm-b']);
    expect(record?.solution.version).toBe(2);
    const audit = await new AuditRepository(app.ctx).recent(s.id);
    expect(audit[0]).toMatchObject({
      action: 'solution.link',
      outcome: 'applied',
      detail: '2 linked resources',
    });
    await fake.waitFor(
      (c) => c.method === 'chat.postEphemeral' && String(c.args.text).includes('now has 2 linked resources'),
    );

    expect((await save(secsol, s.id, 2, null)).text).toBe('');
    expect((await solutions.get(s.id))?.solution.linkedResources).toEqual([]);
  });
});

describe('when the list is not valid', () => {
  it('shows why in the modal and changes nothing', async ({ app, secsol, solutions }) => {
    const s = await seedSolution(app.ctx, { name: 'Limits', linkedResources: ['/kept'] });
    const many = Array.from({ length: 51 }, (_, i) => `/vm-${i}`).join('\n');
    expect(errorOf(await save(secsol, s.id, 1, many))).toContain('At most 50');
    expect(errorOf(await save(secsol, s.id, 1, `/ok\n${'r'.repeat(301)}`))).toBe(
      'Resource 2 is longer than 300 characters.',
    );
    expect(errorOf(await save(secsol, s.id, 1, '/vm\u202eevil'))).toContain('invisible formatting');
    expect((await solutions.get(s.id))?.solution).toMatchObject({ linkedResources: ['/kept'], version: 1 });
  });

  it('refuses a stale form and a non-approver', async ({ app, secsol, solutions }) => {
    const s = await seedSolution(app.ctx, { name: 'Contested links' });
    expect(errorOf(await save(secsol, s.id, 7, '/vm'))).toContain('changed since you opened');
    expect(errorOf(await save(secsol, s.id, 1, '/vm', 'U0INTRUDER'))).toContain('Only secsol approvers');
    expect((await solutions.get(s.id))?.solution.linkedResources).toEqual([]);
    const outcomes = (await new AuditRepository(app.ctx).recent(s.id)).map((a) => a.outcome).sort();
    expect(outcomes).toEqual(['refused', 'refused: stale']);
  });
});
