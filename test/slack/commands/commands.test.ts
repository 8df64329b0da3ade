/**
 * Every `/secsol` subcommand other than status, through the real endpoint with signed form posts:
 * view, discovered, sources/add, alerts, history, snooze, unsnooze, help, and what happens with unknown
 * subcommands, unknown solutions, bad durations and names made to ping people.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HealthState } from '../../../src/domain/model.js';
import { AuditRepository } from '../../../src/storage/audit-repository.js';
import { FlipRepository } from '../../../src/storage/flip-repository.js';
import { ReportRepository } from '../../../src/storage/report-repository.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';
import { startApp, type TestApp } from '../../harness/app.js';
import { FakeSlack } from '../../harness/fake-slack.js';
import { waitUntil } from '../../harness/wait.js';
import { expectValidMessage, type Json, seed, slash } from './command-helpers.js';

let fake: FakeSlack;
let app: TestApp;

beforeAll(async () => {
  fake = await FakeSlack.start();
  app = await startApp(fake, { worker: false });
});
afterAll(async () => {
  await app?.close();
  await fake.close();
});
afterEach(async () => {
  const ids = await app.ctx.redis.smembers(app.ctx.keys.solutions);
  const keys = ids.flatMap((id) => [
    app.ctx.keys.solution(id),
    app.ctx.keys.solutionFlips(id),
    app.ctx.keys.events(id),
    app.ctx.keys.eventIds(id),
    app.ctx.keys.healthHistory(id),
  ]);
  if (keys.length > 0) await app.ctx.redis.unlink(...keys);
  await app.ctx.redis.del(app.ctx.keys.solutions, app.ctx.keys.statusIndex);
  fake.reset();
});

/** A state change as the evaluator commits it. */
async function flip(id: string, to: HealthState, reason: string, at = Date.now()): Promise<void> {
  let rec = await new SolutionRepository(app.ctx).get(id);
  if (!rec) throw new Error(`no ${id}`);
  if (rec.state === to) {
    // Seeded already in that state: start from before the first evaluation, as the evaluator would.
    await app.ctx.redis.hset(app.ctx.keys.solution(id), 'state', 'not_reported');
    await app.ctx.scripts.indexSolution({ id });
    rec = { ...rec, state: 'not_reported' };
  }
  const r = await new FlipRepository(app.ctx).commit({
    solutionId: id,
    expectedRev: rec.rev,
    expectedState: rec.state,
    expectedSeq: rec.flipSeq,
    now: at,
    newState: to,
    at,
    reason,
    deadline: null,
    kind: 'incident',
    channel: 'C0ALERTS',
  });
  expect(r.outcome).toBe('flip');
}

async function events(id: string, titles: string[]): Promise<void> {
  const now = Date.now();
  await new ReportRepository(app.ctx).addEvents(
    id,
    titles.map((title, i) => ({
      id: `${id}-ev-${i}`,
      solutionId: id,
      severity: 'high' as const,
      title,
      resource: '/subscriptions/x/vm1',
      observedAt: now - i * 1000,
      receivedAt: now,
    })),
    now,
  );
}

const isHelp = (body: Json) => JSON.stringify(body).includes('/secsol view &lt;solution&gt;');

function elements(blocks: Json[]): Json[] {
  return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
}

describe('/secsol view <solution>', () => {
  it('shows state, reason, times, configuration, flips and the management buttons', async () => {
    await seed(app.ctx, [
      {
        id: 'qualys',
        name: 'Qualys VA',
        as: 'stopped_reporting',
        consoleUrl: 'https://qualys.example/console',
        owner: 'U0OWNER',
        alertChannel: 'C0SECOPS',
        linkedResources: ['/subscriptions/s/vm-1', '/subscriptions/s/vm-2'],
        lastEventAt: Date.now() - 5 * 60_000,
      },
    ]);
    await flip('qualys', 'stopped_reporting', 'last health report 3h ago, expected every 1h');
    await events('qualys', ['Critical vulnerability found']);

    const res = await slash(app, 'view qualys');
    expect(res.body.response_type).toBe('ephemeral');
    const json = expectValidMessage(res.body);
    expect(json).toContain(':large_orange_circle: *Stopped reporting*');
    expect(json).toContain('last health report 3h ago, expected every 1h');
    expect(json).toContain('*Last health report*');
    expect(json).toContain('*Last event*');
    expect(json).toContain('*Next report due*');
    expect(json).toContain('<@U0OWNER>');
    expect(json).toContain('<#C0SECOPS>');
    expect(json).toContain('/subscriptions/s/vm-2');
    expect(json).toContain('Not reported → *Stopped reporting*');
    expect(json).toContain('Critical vulnerability found');

    const els = elements(res.body.blocks);
    const byId = Object.fromEntries(els.map((e) => [e.action_id, e]));
    expect(byId.solution_console.url).toBe('https://qualys.example/console');
    expect(JSON.parse(byId.solution_link.value)).toEqual({ s: 'qualys', v: 1 });
    expect(JSON.parse(byId.solution_configure.value)).toEqual({ s: 'qualys', v: 1 });
    expect(JSON.parse(byId.solution_delete.value)).toEqual({ s: 'qualys', v: 1 });
    expect(byId.solution_delete.style).toBe('danger');
    expect(byId.solution_delete.confirm.confirm.text).toBe('Delete');
  });

  it('finds a solution by its exact name in Json case, and shows snooze and acknowledgement', async () => {
    await seed(app.ctx, [
      { id: 'pa-fw', name: 'Palo Alto NGFW', as: 'unhealthy', snoozedUntil: Date.now() + 3_600_000 },
    ]);
    await new SolutionRepository(app.ctx).acknowledge('pa-fw', 'U0ACK');
    const res = await slash(app, 'view palo alto ngfw');
    const json = expectValidMessage(res.body);
    expect(json).toContain(':red_circle: *Unhealthy*');
    expect(json).toContain('Snoozed until');
    expect(json).toContain('Acknowledged by <@U0ACK>');
  });

  it('offers no console button for a non-web URL and no channel link for an invalid channel id', async () => {
    await seed(app.ctx, [
      { id: 'odd', name: 'Odd', consoleUrl: 'javascript:alert(1)', alertChannel: '<!channel>' },
    ]);
    const res = await slash(app, 'view odd');
    const json = expectValidMessage(res.body);
    expect(elements(res.body.blocks).map((e) => e.action_id)).not.toContain('solution_console');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('shows Connect instead of Link and Configure for a discovered solution', async () => {
    await seed(app.ctx, [{ id: 'found', name: 'Found', as: 'discovered' }]);
    const res = await slash(app, 'view found');
    expectValidMessage(res.body);
    const ids = elements(res.body.blocks).map((e) => e.action_id);
    expect(ids).toContain('discovered_connect');
    expect(ids).not.toContain('solution_configure');
  });

  it('answers an unknown solution with help', async () => {
    const res = await slash(app, 'view nope');
    expectValidMessage(res.body);
    expect(res.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(res.body)).toContain('No solution is named');
    expect(isHelp(res.body)).toBe(true);
  });

  it('answers a missing solution name with help', async () => {
    const res = await slash(app, 'view');
    expectValidMessage(res.body);
    expect(JSON.stringify(res.body)).toContain('Which solution?');
  });
});

describe('/secsol discovered, sources and add', () => {
  it('lists discovered solutions with Connect', async () => {
    await seed(app.ctx, [
      { id: 'd1', name: 'Azure AD Identity Protection', as: 'discovered' },
      { id: 'c1', name: 'Connected one' },
    ]);
    const res = await slash(app, 'discovered');
    const json = expectValidMessage(res.body);
    expect(json).toContain('Azure AD Identity Protection');
    expect(json).not.toContain('Connected one');
    const connect = elements(res.body.blocks).filter((e) => e.action_id === 'discovered_connect');
    expect(connect.map((e) => JSON.parse(e.value))).toEqual([{ s: 'd1', v: 1 }]);
  });

  it('lists the data sources with Add, under both names', async () => {
    for (const text of ['sources', 'add']) {
      const res = await slash(app, text);
      expectValidMessage(res.body);
      const keys = elements(res.body.blocks)
        .filter((e) => e.action_id === 'source_add')
        .map((e) => JSON.parse(e.value).k);
      expect(keys).toEqual([
        'push-api',
        'defender-for-cloud',
        'syslog-cef-forwarder',
        'on-prem-machines',
        'other-clouds',
      ]);
    }
  });
});

describe('/secsol alerts and history (answered through the response URL)', () => {
  it('shows recent flips and security events across all solutions', async () => {
    await seed(app.ctx, [
      { id: 'a1', name: 'Alpha' },
      { id: 'b1', name: 'Beta' },
      { id: 'c1', name: 'Gamma' },
    ]);
    await flip('a1', 'unhealthy', 'unhealthy report 1m ago', Date.now() - 2000);
    await flip('b1', 'stopped_reporting', 'last health report 3h ago, expected every 1h', Date.now() - 1000);
    await events('c1', ['Brute force attempt']);
    const url = fake.newResponseUrl({ user: 'U1' });
    const res = await slash(app, 'alerts', { response_url: url });
    expect(res.text).toBe('');
    const post = await waitUntil(() => fake.responsePosts(url)[0]);
    const json = expectValidMessage(post.body);
    expect(post.body.response_type).toBe('ephemeral');
    expect(json).toContain('across all solutions');
    expect(json.indexOf('*Beta*')).toBeLessThan(json.indexOf('*Alpha*'));
    expect(json).toContain('Brute force attempt');
  });

  it('shows one solution’s alerts', async () => {
    await seed(app.ctx, [
      { id: 'a1', name: 'Alpha' },
      { id: 'b1', name: 'Beta' },
    ]);
    await flip('a1', 'unhealthy', 'unhealthy report 1m ago');
    await flip('b1', 'unhealthy', 'beta went bad');
    const url = fake.newResponseUrl({ user: 'U1' });
    await slash(app, 'alerts a1', { response_url: url });
    const post = await waitUntil(() => fake.responsePosts(url)[0]);
    const json = expectValidMessage(post.body);
    expect(json).toContain('unhealthy report 1m ago');
    expect(json).not.toContain('beta went bad');
  });

  it('shows the flips and health reports of one solution', async () => {
    await seed(app.ctx, [{ id: 'h1', name: 'Historic' }]);
    const reports = new ReportRepository(app.ctx);
    const now = Date.now();
    for (let i = 0; i < 30; i++) {
      await reports.addHealth('h1', {
        status: i % 3 === 0 ? 'unhealthy' : 'healthy',
        message: `disk ${i}% <!here>`,
        observedAt: now - (30 - i) * 1000,
        receivedAt: now,
      });
    }
    await flip('h1', 'unhealthy', 'unhealthy report 5s ago');
    const url = fake.newResponseUrl({ user: 'U1' });
    await slash(app, 'history Historic', { response_url: url });
    const post = await waitUntil(() => fake.responsePosts(url)[0]);
    const json = expectValidMessage(post.body);
    expect(json).toContain('*State changes*');
    expect(json).toContain('unhealthy report 5s ago');
    expect(json).toContain('*Health reports* (newest first, 15)');
    expect(json).toContain('disk 29%');
    expect(json).not.toContain('<!here>');
  });

  it('answers history of an unknown solution with help, in the ack', async () => {
    const res = await slash(app, 'history ghost');
    expectValidMessage(res.body);
    expect(isHelp(res.body)).toBe(true);
  });
});

describe('/secsol snooze and unsnooze', () => {
  it('snoozes for a duration, audited, and unsnoozes', async () => {
    await seed(app.ctx, [{ id: 'noisy', name: 'Noisy WAF', as: 'unhealthy' }]);
    const before = Date.now();
    const res = await slash(app, 'snooze Noisy WAF 4h');
    const json = expectValidMessage(res.body);
    expect(json).toContain('are held until');
    const rec = await new SolutionRepository(app.ctx).get('noisy');
    expect(rec?.snoozedUntil).toBeGreaterThanOrEqual(before + 4 * 3_600_000);
    expect(rec?.snoozedUntil).toBeLessThanOrEqual(Date.now() + 4 * 3_600_000);
    expect(rec?.snoozedBy).toBe('U1');
    const [audit] = await new AuditRepository(app.ctx).recent('noisy');
    expect(audit).toMatchObject({
      actor: 'slack:U1',
      action: 'solution.snooze',
      outcome: 'applied',
      detail: '4h',
    });

    const un = await slash(app, 'unsnooze noisy');
    expect(JSON.stringify(un.body)).toContain('flow again');
    expect((await new SolutionRepository(app.ctx).get('noisy'))?.snoozedUntil).toBeUndefined();
    const [audit2] = await new AuditRepository(app.ctx).recent('noisy');
    expect(audit2).toMatchObject({ action: 'solution.unsnooze', outcome: 'applied' });
  });

  it('snoozes until recovered', async () => {
    await seed(app.ctx, [{ id: 'noisy', name: 'Noisy', as: 'unhealthy' }]);
    const res = await slash(app, 'snooze noisy recovered');
    expect(JSON.stringify(res.body)).toContain('until it recovers');
    expect((await new SolutionRepository(app.ctx).get('noisy'))?.snoozedUntil).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    ['snooze noisy forever', 'is not a duration'],
    ['snooze noisy 31d', 'at most 30d'],
    ['snooze noisy 10s', 'at least 1m'],
    ['snooze noisy', 'for how long'],
  ])('explains a bad duration: %s', async (text, expected) => {
    await seed(app.ctx, [{ id: 'noisy', name: 'Noisy', as: 'unhealthy' }]);
    const res = await slash(app, text);
    expectValidMessage(res.body);
    expect(JSON.stringify(res.body)).toContain(expected);
    expect((await new SolutionRepository(app.ctx).get('noisy'))?.snoozedUntil).toBeUndefined();
  });

  it('answers an unknown solution with help and changes nothing', async () => {
    const res = await slash(app, 'snooze ghost 1h');
    expect(isHelp(res.body)).toBe(true);
    expect(await new AuditRepository(app.ctx).recent('ghost')).toEqual([]);
  });

  it('refuses to snooze a discovered solution', async () => {
    await seed(app.ctx, [{ id: 'found', as: 'discovered' }]);
    const res = await slash(app, 'snooze found 1h');
    expect(JSON.stringify(res.body)).toContain('not connected');
  });
});

describe('/secsol help and what it does not understand', () => {
  it('lists every subcommand', async () => {
    const res = await slash(app, 'help');
    const json = expectValidMessage(res.body);
    for (const sub of [
      'status',
      'view',
      'discovered',
      'sources',
      'alerts',
      'history',
      'snooze',
      'unsnooze',
    ]) {
      expect(json).toContain(`/secsol ${sub}`);
    }
  });

  it('answers an unknown subcommand with help, ephemerally, without an error trace', async () => {
    const res = await slash(app, 'frobnicate <!channel> now');
    expect(res.body.response_type).toBe('ephemeral');
    const json = expectValidMessage(res.body);
    expect(json).toContain('Unknown command');
    expect(isHelp(res.body)).toBe(true);
    expect(json).not.toMatch(/Error|at .*\.js/);
  });
});

describe('names made to ping or link people', () => {
  const evil = '<!channel> @here <@U123> <https://x|y> & <!subteam^S1>';
  const raw = ['<!channel>', '<@U123>', '<https://x|y>', '<!subteam', '<!here>'];

  it('pings and links nobody in status, view, discovered, alerts and help', async () => {
    await seed(app.ctx, [
      { id: 'evil', name: evil, vendor: evil, as: 'unhealthy', linkedResources: [evil], owner: evil },
      { id: 'evil2', name: `${evil} 2`, vendor: evil, as: 'discovered' },
    ]);
    await flip('evil', 'unhealthy', 'unhealthy report 1m ago');
    await events('evil', [evil]);
    const bodies = [
      (await slash(app, 'status')).body,
      (await slash(app, 'view evil')).body,
      (await slash(app, `view ${evil.toUpperCase()}`)).body,
      (await slash(app, 'discovered')).body,
      (await slash(app, `view ${evil} nope`)).body,
      (await slash(app, `snooze evil 4h`)).body,
    ];
    const url = fake.newResponseUrl({ user: 'U1' });
    await slash(app, 'alerts evil', { response_url: url });
    bodies.push((await waitUntil(() => fake.responsePosts(url)[0])).body);
    for (const body of bodies) {
      const json = expectValidMessage(body);
      for (const seq of raw) expect(json).not.toContain(seq);
      expect(body.link_names).toBeUndefined();
      expect(body.parse).toBeUndefined();
    }
    expect(JSON.stringify(bodies[0])).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(bodies[1])).toContain('&lt;!channel&gt; @here &lt;@U123&gt;');
  });
});
