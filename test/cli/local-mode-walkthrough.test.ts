/**
 * The README's walkthrough without Slack, through the real signed endpoint: secsol in local mode keeps the
 * channel messages, modals and App Home it "sends", and `npm run slack` lists them, clicks their buttons
 * (Approve on a connection request, Acknowledge and Snooze on an alert), submits the Configure modal and
 * opens App Home. Each step is a CLI child process against one secsol child process.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LastReply } from '../../src/cli/last-reply.js';
import { clickPayload } from '../../src/cli/local-requests.js';
import { interactivityBody, signedHeaders } from '../../src/slack/request-signing.js';
import { ADMIN_TOKEN, call, ENROLLMENT_KEY } from '../harness/app.js';
import { waitUntil } from '../harness/wait.js';
import { type LocalSecsol, startLocalSecsol } from './cli-harness.js';

/** The number of the last message in a `messages` listing that contains `text`. */
function messageWith(listing: string, text: string): number {
  const parts = listing.split(/\n(?=── message \d+ )/);
  const found = parts.filter((p) => p.includes(text)).at(-1);
  const n = found ? /── message (\d+) /.exec(found)?.[1] : undefined;
  if (!n) throw new Error(`no message with "${text}" in:\n${listing}`);
  return Number(n);
}

/** The number of button `label` of message `n` in a listing (`  3.1  [Approve]`). */
function buttonOf(listing: string, n: number, label: string): string {
  const m = new RegExp(`\\b(${n}\\.\\d+) {2}\\[(?:⋯ )?${label}`).exec(listing);
  if (!m?.[1]) throw new Error(`no button ${label} on message ${n} in:\n${listing}`);
  return m[1];
}

describe('local mode, end to end with npm run slack', () => {
  let local: LocalSecsol;
  let enrollmentId: string;
  let token: string;

  beforeAll(async () => {
    // U0LOCALUSER (the CLI's default user) may approve connections.
    local = await startLocalSecsol('walk', { SECSOL_APPROVERS: 'U0LOCALUSER' });
    const enrolled = await call(`${local.url}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'CrowdStrike Falcon', vendor: 'CrowdStrike' },
    });
    expect(enrolled.status).toBe(202);
    enrollmentId = enrolled.body.enrollmentId as string;
  });

  afterAll(async () => {
    await local?.close();
  });

  const messagesWith = (text: string) =>
    waitUntil(
      async () => {
        const res = await local.cli(['messages', '-n', '20']);
        return res.code === 0 && res.stdout.includes(text) ? res.stdout : null;
      },
      { timeoutMs: 10_000, intervalMs: 200, message: `a channel message with "${text}"` },
    );

  it('lists the channel messages secsol posted, with their buttons numbered <message>.<button>', async () => {
    const listing = await messagesWith('asks to be connected');
    expect(listing).toContain('#C0LOCAL');
    const n = messageWith(listing, 'CrowdStrike Falcon');
    expect(buttonOf(listing, n, 'Approve')).toBe(`${n}.1`);
    expect(buttonOf(listing, n, 'Deny')).toBe(`${n}.2`);
    expect(listing).not.toContain('"blocks"');
    expect(listing).not.toMatch(/\*\w/); // mrkdwn bold drawn, not printed as *bold*
  });

  it('refuses a message or button that does not exist, saying what there is', async () => {
    const res = await local.cli(['click', '999.1']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no message 999');
    expect(res.stderr).toContain('npm run slack -- messages');
  });

  it('approves the connection request with its Approve button, as an approver', async () => {
    const listing = await messagesWith('asks to be connected');
    const n = messageWith(listing, 'asks to be connected');
    const res = await local.cli(['click', buttonOf(listing, n, 'Approve')]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`message ${n}`);
    expect(res.stdout).toContain('Approved by @U0LOCALUSER');
    const after = await local.cli(['messages']);
    expect(after.stdout).toMatch(new RegExp(`── message ${n} [^\\n]*edited`));
    const status = await call(`${local.url}/api/v1/enroll/${enrollmentId}`, 'GET', { token: ENROLLMENT_KEY });
    expect(status.body.status).toBe('approved');
    token = status.body.token as string;
    expect(token).toMatch(/^secsol_/);
  });

  it('acknowledges and snoozes an alert with its buttons', async () => {
    const report = await call(`${local.url}/api/v1/solutions/crowdstrike-falcon/health`, 'POST', {
      token,
      body: { status: 'unhealthy', message: 'sensor down on 3 hosts' },
    });
    expect(report.status).toBe(202);
    const listing = await messagesWith('Acknowledge');
    const n = messageWith(listing, 'Acknowledge');
    expect(listing).toContain('sensor down on 3 hosts');

    const ack = await local.cli(['click', buttonOf(listing, n, 'Acknowledge')]);
    expect(ack.stderr).toBe('');
    expect(ack.stdout).toContain('Acknowledged by @U0LOCALUSER');

    const acked = await local.cli(['messages']);
    const snooze = await local.cli(['click', buttonOf(acked.stdout, n, 'Snooze 4 hours')]);
    expect(snooze.stderr).toBe('');
    // What the click prints is what had arrived by then; the alert's edit can land after it (seen in a
    // loaded run): the channel shows it.
    expect(await messagesWith('Snoozed until')).toContain('Snoozed until');
  });

  it('submits the Configure modal with a field, the other fields keeping their initial values', async () => {
    const view = await local.cli(['/secsol', 'view', 'crowdstrike-falcon']);
    expect(view.code).toBe(0);
    const configure = /(\d+) {2}\[Configure\]/.exec(view.stdout)?.[1];
    expect(configure).toBeDefined();
    const opened = await local.cli(['click', configure as string]);
    expect(opened.stderr).toBe('');
    expect(opened.stdout).toContain('modal "Configure solution"');
    // The Name field shows its initial value, not an empty field.
    expect(opened.stdout).toMatch(/Name: CrowdStrike Falcon/);

    const refused = await local.cli(['submit', '--field', 'threshold=0']);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toContain('The modal stays open');
    const unknown = await local.cli(['submit', '--field', 'nope=1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no field "nope"');

    const saved = await local.cli(['submit', '--field', 'every=30m']);
    expect(saved.stderr).toBe('');
    expect(saved.stdout).toContain('The modal closed');
    const solution = await call(`${local.url}/api/v1/solutions/crowdstrike-falcon`, 'GET', {
      token: ADMIN_TOKEN,
    });
    expect(solution.status).toBe(200);
    expect(JSON.stringify(solution.body)).toContain('CrowdStrike Falcon');
    const after = await local.cli(['/secsol', 'view', 'crowdstrike-falcon']);
    expect(after.stdout).toContain('every 30m');
    const closed = await local.cli(['submit']);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('no modal is open');
  });

  it('opens App Home as Slack does, with an app_home_opened event, and prints the published view', async () => {
    for (const args of [['home'], ['/secsol', 'home']]) {
      const res = await local.cli(args);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('App Home of @U0LOCALUSER');
      expect(res.stdout).toContain('CrowdStrike Falcon');
    }
  });

  it("answers only on the loopback Slack's own response_urls, never on another loopback port", async () => {
    const forged: string[] = [];
    const listener = createServer((req, res) => {
      forged.push(req.url ?? '');
      res.end('{"ok":true}');
    });
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    try {
      // A solution of its own, so that the status page has a View button whatever ran before.
      const created = await call(`${local.url}/api/v1/solutions`, 'POST', {
        token: ADMIN_TOKEN,
        body: { name: 'Qualys VA', vendor: 'Qualys', family: 'va' },
      });
      expect(created.status).toBe(201);
      const status = await local.cli(['/secsol', 'status']);
      expect(status.code).toBe(0);
      const last = JSON.parse(readFileSync(join(local.dir, '.secsol/last-reply.json'), 'utf8')) as LastReply;
      const view = last.choices.find((c) => c.label === 'View');
      expect(view).toBeDefined();
      const secret = readFileSync(join(local.dir, '.secsol/local-signing-secret'), 'utf8').trim();
      const slack = readFileSync(join(local.dir, '.secsol/local-slack-url'), 'utf8').trim();
      const click = async (responseUrl: string) => {
        const body = interactivityBody(clickPayload(last, view as NonNullable<typeof view>, responseUrl));
        const res = await fetch(`${local.url}/slack/events`, {
          method: 'POST',
          headers: signedHeaders(body, secret),
          body,
        });
        expect(res.status).toBe(200);
      };
      const { port } = listener.address() as AddressInfo;
      await click(`http://127.0.0.1:${port}/response/forged`);
      // The same click with a genuine response_url: once its answer is there, the forged one would be too.
      const genuine = (await (
        await fetch(`${slack}/local/response-urls`, { method: 'POST', body: '{"original":null}' })
      ).json()) as { id: string; url: string };
      await click(genuine.url);
      await waitUntil(
        async () => {
          const got = (await (await fetch(`${slack}/local/responses/${genuine.id}`)).json()) as {
            posts: unknown[];
          };
          return got.posts.length > 0;
        },
        { message: 'the answer on the genuine response_url' },
      );
      expect(forged).toEqual([]);
    } finally {
      await new Promise<void>((done) => listener.close(() => done()));
    }
  });
});
