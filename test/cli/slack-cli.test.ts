/**
 * `npm run slack` against secsol in local mode (no Slack credentials), both run from dist/ as child
 * processes in a scratch directory, the way a newcomer runs them: the app writes its signing secret to
 * `.secsol/`, the CLI reads it, sends a signed `/secsol status`, prints the answer as text and clicks a
 * numbered button; the app prints its Slack Web API calls as readable `[slack] …` text.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Choice, choicesOf, type Message } from '../../src/cli/choices.js';
import type { LastReply } from '../../src/cli/last-reply.js';
import { clickPayload } from '../../src/cli/local-requests.js';
import { STATE_LABEL } from '../../src/domain/model.js';
import { ADMIN_TOKEN, call, ENROLLMENT_KEY } from '../harness/app.js';
import { freePort, type LocalSecsol, runCli, startLocalSecsol } from './cli-harness.js';

describe('npm run slack against secsol in local mode', () => {
  let local: LocalSecsol;
  let dir: string;
  let cliEnv: Record<string, string>;
  const url = () => local.url;
  const app = { output: () => local.app.output() };

  beforeAll(async () => {
    local = await startLocalSecsol('cli');
    dir = local.dir;
    cliEnv = { PORT: String(local.port) };
  });

  afterAll(async () => {
    await local?.close();
  });

  it('prints its usage when given no arguments', async () => {
    const res = await runCli(dir, [], cliEnv);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Usage:');
    expect(res.stdout).toContain('npm run slack -- /secsol');
    expect(res.stdout).toContain('click <n>');
  });

  it('says clearly when secsol is not running', async () => {
    const res = await runCli(dir, ['/secsol', 'status'], {
      SECSOL_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('secsol is not running at');
    expect(res.stderr).toContain('npm start');
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('says clearly when the signing secret is not the running app’s', async () => {
    const res = await runCli(dir, ['/secsol', 'status'], {
      ...cliEnv,
      SLACK_SIGNING_SECRET: 'not-the-secret',
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('401');
  });

  it('wrote the signing secret under the directory it runs in, readable by its owner only', () => {
    const file = join(dir, '.secsol/local-signing-secret');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{48}$/);
    // And where its loopback Slack listens, for messages, modals and response_urls.
    expect(readFileSync(join(dir, '.secsol/local-slack-url'), 'utf8').trim()).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+$/,
    );
  });

  it('shows /secsol status as text with numbered buttons, then clicks one', async () => {
    const created = await call(`${url()}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: {
        name: 'Qualys VA',
        vendor: 'Qualys',
        family: 'va',
        consoleUrl: 'https://qualys.example/console',
      },
    });
    expect(created.status).toBe(201);
    // An enrollment makes secsol post an approval request through the Web API: local mode prints it.
    const enrolled = await call(`${url()}/api/v1/enroll`, 'POST', {
      token: ENROLLMENT_KEY,
      body: { name: 'CrowdStrike Falcon', vendor: 'CrowdStrike' },
    });
    expect(enrolled.status).toBe(202);

    const status = await runCli(dir, ['/secsol', 'status'], cliEnv);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Qualys VA');
    expect(status.stdout).toContain(STATE_LABEL.not_reported);
    expect(status.stdout).toMatch(/Buttons \(npm run slack -- click <n>\):\n\s+1 {2}\[/);
    expect(status.stdout).not.toContain('"blocks"');
    const saved = JSON.parse(readFileSync(join(dir, '.secsol/last-reply.json'), 'utf8')) as LastReply;
    expect(saved.messages.length).toBeGreaterThan(0);
    expect(saved.choices.length).toBeGreaterThan(0);

    const click = await runCli(dir, ['click', '1'], cliEnv);
    expect(click.stderr).toBe('');
    expect(click.code).toBe(0);
    expect(click.stdout).toMatch(/^click 1 {2}\[/);
    expect(click.stdout).toContain('── answer');

    const out = app.output();
    expect(out).toMatch(/\[slack\] message \d+ posted in #C0LOCAL\n/);
    const printed = out.slice(out.search(/\[slack\] message \d+ posted in #C0LOCAL/));
    expect(printed).toContain('CrowdStrike Falcon');
    expect(printed).toMatch(/\[Approve\]/);
    expect(printed.split('\n').slice(0, 6).join('\n')).not.toContain('"type"');
  });

  it('refuses a button number the last answer does not have, listing the ones it has', async () => {
    const res = await runCli(dir, ['click', '999'], cliEnv);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('There is no button 999');
    expect(res.stderr).toMatch(/\s1 {2}\[/);
  });
});

describe('the buttons npm run slack offers', () => {
  const message: Message = {
    ts: '1700000000.000100',
    text: 'fallback',
    ephemeral: true,
    blocks: [
      {
        type: 'section',
        block_id: 'sol_a',
        text: { type: 'mrkdwn', text: '*Alpha* is unhealthy' },
        accessory: {
          type: 'button',
          action_id: 'solution_view',
          value: '{"s":"alpha"}',
          text: { type: 'plain_text', text: 'View' },
        },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '*Beta* stopped reporting' },
        accessory: {
          type: 'overflow',
          action_id: 'incident_snooze',
          options: [
            { text: { type: 'plain_text', text: 'Snooze 1h' }, value: '{"s":"beta","d":"1h"}' },
            { text: { type: 'plain_text', text: 'Snooze 4h' }, value: '{"s":"beta","d":"4h"}' },
          ],
        },
      },
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          {
            type: 'button',
            action_id: 'solution_view',
            value: '{"s":"beta"}',
            text: { type: 'plain_text', text: 'View' },
          },
          {
            type: 'button',
            action_id: 'solution_delete',
            value: '{"s":"beta","v":3}',
            text: { type: 'plain_text', text: 'Delete' },
            confirm: { title: { type: 'plain_text', text: 'Delete Beta?' } },
          },
        ],
      },
    ],
  };
  const choices = choicesOf([message]);
  const reply: LastReply = {
    savedAt: '',
    userId: 'U0LOCALUSER',
    channel: 'C0LOCAL',
    messages: [message],
    choices,
  };
  const pick = (label: string, n = 0): Choice => {
    const found = choices.filter((c) => c.label === label)[n];
    if (!found) throw new Error(`no choice ${label}`);
    return found;
  };

  it('numbers every button and lists each overflow option as its own choice', () => {
    expect(choices.map((c) => c.label)).toEqual(['View', 'Snooze 1h', 'Snooze 4h', 'View', 'Delete']);
    // Same label twice: the text above tells them apart.
    expect(pick('View', 0).context).toBe('Alpha is unhealthy');
    expect(pick('View', 1).context).toBe('Beta stopped reporting');
    expect(pick('Delete').context).toBe('');
    expect(pick('Delete').confirm).toBe('Delete Beta?');
  });

  it('clicks a button with the fields a Slack block_actions payload has', () => {
    const payload = clickPayload(reply, pick('View', 1), 'http://127.0.0.1:1/response/x');
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0LOCALUSER' },
      channel: { id: 'C0LOCAL' },
      container: { type: 'message', message_ts: message.ts, channel_id: 'C0LOCAL', is_ephemeral: true },
      response_url: 'http://127.0.0.1:1/response/x',
      actions: [{ type: 'button', action_id: 'solution_view', block_id: 'acts', value: '{"s":"beta"}' }],
    });
    expect(payload.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]{32}$/);
  });

  it('picks an overflow option as Slack does, with selected_option', () => {
    const payload = clickPayload(reply, pick('Snooze 4h'), 'http://127.0.0.1:1/response/x');
    const [action] = payload.actions as Record<string, unknown>[];
    expect(action).toMatchObject({
      type: 'overflow',
      action_id: 'incident_snooze',
      selected_option: { value: '{"s":"beta","d":"4h"}', text: { text: 'Snooze 4h' } },
    });
    expect(typeof action?.block_id).toBe('string');
  });
});
