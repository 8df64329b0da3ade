/**
 * Who may mute alerts is a setting (SECSOL_SNOOZERS), and muting is never silent: every snooze and
 * unsnooze is announced in the incident's thread.
 */
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL } from '../../harness/app.js';
import { secsolTest } from '../../harness/fixtures.js';

const it = secsolTest({ env: { SECSOL_EXPECTED_EVERY: '10m', SECSOL_APPROVERS: 'U0BOSS' } });

const threadNotes = (calls: { method: string; args: Record<string, unknown> }[], ts: string) =>
  calls
    .filter(
      (c) => c.method === 'chat.postMessage' && c.args.channel === ALERT_CHANNEL && c.args.thread_ts === ts,
    )
    .map((c) => String(c.args.text));

describe('with SECSOL_SNOOZERS=approvers', () => {
  it('refuses a snooze by someone else, audits it, and says so privately', async ({ startSecsol, fake }) => {
    const secsol = await startSecsol({ env: { SECSOL_SNOOZERS: 'approvers' } });
    const s = await secsol.createSolution('Snooze Guarded');
    const alert = await secsol.openIncident(s);
    const res = await secsol.snooze(alert, 'U0INTERN', '4h');
    expect(res.status).toBe(200);
    await fake.waitFor((c) => c.method === 'chat.postEphemeral' || c.method === 'response_url', {
      timeoutMs: 5000,
    });
    expect((await secsol.solution(s.id)).snoozedUntil).toBeNull();
    const audit = await secsol.admin('GET', `/api/v1/audit?solution=${s.id}`);
    expect(audit.body.entries[0]).toMatchObject({
      actor: 'slack:U0INTERN',
      action: 'incident.snooze',
      outcome: expect.stringMatching(/^refused/),
    });
    // The approver may.
    await secsol.snooze(alert, 'U0BOSS', '4h');
    await fake.waitFor((c) => threadNotes([c], alert.ts).length > 0, { timeoutMs: 5000 });
    expect(threadNotes(fake.calls, alert.ts)).toEqual([
      expect.stringMatching(/^:zzz: <@U0BOSS> snoozed the alerts/),
    ]);
  });
});

describe('with the default (anyone)', () => {
  it('announces the snooze and the unsnooze in the thread, naming who did it', async ({
    startSecsol,
    fake,
  }) => {
    const secsol = await startSecsol();
    const s = await secsol.createSolution('Snooze Announced');
    const alert = await secsol.openIncident(s);
    await secsol.snooze(alert, 'U0ANY', 'recovered');
    await fake.waitFor((c) => threadNotes([c], alert.ts).length > 0, { timeoutMs: 5000 });
    const answer = await secsol.runCommand(`/secsol unsnooze ${s.id}`, { user: 'U0OTHER' });
    expect(answer.text).toContain('flow again');
    await fake.waitFor((c) => threadNotes([c], alert.ts).some((t) => t.startsWith(':bell:')), {
      timeoutMs: 5000,
    });
    expect(threadNotes(fake.calls, alert.ts)).toEqual([
      ':zzz: <@U0ANY> snoozed the alerts about this solution until it recovers.',
      ':bell: <@U0OTHER> lifted the snooze: alerts about this solution flow again.',
    ]);
  });
});
