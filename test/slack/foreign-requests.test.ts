/**
 * Correctly signed is not enough (RELIABILITY 11e and 12): a payload from another workspace, from no
 * workspace or for another app is refused
 * before any handler, and a `response_url` that is not Slack's is never called, whatever a handler does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect } from 'vitest';
import { ACTION } from '../../src/slack/action-values.js';
import { SIGNING_SECRET } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { sendSigned, slashCommandBody } from '../harness/slack-signer.js';
import { waitUntil } from '../harness/wait.js';
import { seedSolution } from './actions/seed-solution.js';

const it = secsolTest({ worker: false, env: { SLACK_APP_ID: 'A0TEST' } });

/** Any request a handler might send to a response_url that is not Slack's lands here. */
let canary: Server;
let canaryHits = 0;
let canaryUrl = '';

it.beforeAll(async ({ app }) => {
  canary = createServer((_req, res) => {
    canaryHits++;
    res.end('ok');
  });
  await new Promise<void>((r) => canary.listen(0, '127.0.0.1', r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/x`;
  await seedSolution(app.ctx, { name: 'Canary target' });
});
afterAll(async () => {
  await new Promise<void>((r) => canary.close(() => r()));
});

describe('when a signed slash command comes from another workspace', () => {
  it('is acknowledged with nothing and reaches no handler', async ({ app, fake }) => {
    const before = fake.calls.length;
    const res = await sendSigned(
      `${app.url}/slack/events`,
      slashCommandBody({ text: 'status', team_id: 'T0OTHER', response_url: fake.newResponseUrl() }),
      { secret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(fake.calls.length).toBe(before);
  });
});

describe('when a signed slash command names no workspace, or another app', () => {
  it('is acknowledged with nothing and reaches no handler', async ({ app, fake }) => {
    for (const fields of [{ team_id: '' }, { api_app_id: 'A0OTHERAPP' }]) {
      const before = fake.calls.length;
      const res = await sendSigned(
        `${app.url}/slack/events`,
        slashCommandBody({ text: 'status', ...fields, response_url: fake.newResponseUrl() }),
        { secret: SIGNING_SECRET },
      );
      expect(res.status, JSON.stringify(fields)).toBe(200);
      expect(res.text, JSON.stringify(fields)).toBe('');
      expect(fake.calls.length).toBe(before);
    }
    // The same command for this app and workspace is answered.
    const ok = await sendSigned(
      `${app.url}/slack/events`,
      slashCommandBody({ text: 'help', response_url: fake.newResponseUrl() }),
      { secret: SIGNING_SECRET },
    );
    expect(ok.text).toContain('secsol');
  });
});

describe('when a click comes from another workspace', () => {
  it('changes nothing and answers nobody', async ({ fake, secsol }) => {
    const res = await secsol.click({
      actionId: ACTION.view,
      value: JSON.stringify({ s: 'canary-target' }),
      teamId: 'T0OTHER',
      responseUrl: fake.newResponseUrl(),
    });
    expect(res.status).toBe(200);
    expect(fake.responsePosts()).toHaveLength(0);
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });
});

describe('when a signed payload carries a response_url that is not Slack', () => {
  it('never calls it, from a slash command answered later or from a click', async ({ app, fake, secsol }) => {
    // `alerts` answers through respond(); View answers ephemeral messages through respond().
    const res = await secsol.runCommand('/secsol alerts', { responseUrl: canaryUrl });
    expect(res.status).toBe(200);
    await secsol.click({
      actionId: ACTION.view,
      value: JSON.stringify({ s: 'canary-target' }),
      ephemeral: true,
      responseUrl: canaryUrl,
    });
    // The click falls back to an ephemeral message through the Web API: wait for it, then count.
    await waitUntil(() => fake.calls.some((c) => c.method === 'chat.postEphemeral'));
    expect(canaryHits).toBe(0);
    const logged = JSON.stringify(await app.ctx.redis.xrange(app.ctx.keys.audit, '-', '+'));
    expect(logged).not.toContain(canaryUrl);
  });
});
