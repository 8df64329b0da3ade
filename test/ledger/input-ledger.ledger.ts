/**
 * The bad-input ledger (`npm run ledger`): every input of the corpus (input-corpus.ts) sent through secsol's
 * real endpoints, one at a time, each judged on three counts:
 *
 * - tried: it was sent.
 * - refused: the answer is the refusal it expects (its 4xx; for Slack 401 at the door, or an ack that acts
 *   on nothing: the only Slack calls allowed are the ones that tell the clicking user why, and a
 *   response_url outside Slack is never called).
 * - stored: a key under the app's prefix appeared, changed or disappeared (a snapshot of every key, its type
 *   and a hash of its content, before and after), or Slack was asked to post, edit or open anything.
 *
 * Keys left out of the snapshot, and why:
 * - `…:rate:*`: the fixed-window counters of requests per token and of failed authentications per address,
 *   credential and target (src/http/rate-limiter.ts, auth.ts). Counting refused requests is their job, and
 *   they expire with their window.
 * - `…:ingest:heartbeat`: every web process beats on a timer (storage/ingestion-clock.ts) to show it could
 *   receive reports; it changes between any two snapshots, whatever the requests.
 * - the audit streams (`…:auditlog`, `…:auditlog:<id>`) are compared entry by entry instead: a refusal may
 *   add an entry whose outcome says it was refused (approve-connection-action.test.ts: "a refusal changes
 *   nothing but the audit trail"); any other entry counts as stored.
 *
 * secsol runs without a worker, so no tick writes behind a request's back. The run fails unless every
 * input is refused and none is stored.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect } from 'vitest';
import { CALLBACK } from '../../src/slack/action-values.js';
import { CONFIGURE_FIELDS } from '../../src/slack/blocks/modal-blocks.js';
import { interactivityBody } from '../../src/slack/request-signing.js';
import { SIGNING_SECRET, type TestApp } from '../harness/app.js';
import type { FakeSlack } from '../harness/fake-slack.js';
import { secsolTest } from '../harness/fixtures.js';
import { keysOf } from '../harness/redis.js';
import { viewSubmissionPayload } from '../harness/slack-requests.js';
import { sendSigned } from '../harness/slack-signer.js';
import { waitUntil } from '../harness/wait.js';
import { httpCorpus, type Input, slackCorpus, type Target } from './input-corpus.js';
import { printLedger, type Row } from './ledger-report.js';

const it = secsolTest({
  worker: false,
  env: { SECSOL_APPROVERS: 'U0APPROVER', SLACK_APP_ID: 'A0TEST', SECSOL_EXPECTED_EVERY: '10m' },
});

/** Slack calls a refusal may make: telling the user why, and the reads that decide it. */
const EXPLAINING = new Set([
  'chat.postEphemeral',
  'users.info',
  'usergroups.users.list',
  'conversations.info',
  'auth.test',
]);

const isRate = (key: string) => key.includes(':rate:');
const isBeat = (key: string) => key.endsWith(':ingest:heartbeat');
const isAudit = (key: string) => /:auditlog(:[^:]+)?$/.test(key);

type Snapshot = Map<string, string>;

/**
 * Every key under the prefix but the excluded ones, with a hash of its type and content read in a canonical
 * order (members sorted). Not DUMP: a hash table's DUMP follows its iteration order, which Redis' incremental
 * rehashing changes on reads alone.
 */
async function snapshot(app: TestApp): Promise<Snapshot> {
  const redis = app.ctx.redis;
  const keys = (await keysOf(redis, app.prefix))
    .filter((k) => !isRate(k) && !isBeat(k) && !isAudit(k))
    .sort();
  const out: Snapshot = new Map();
  for (const key of keys) {
    const type = await redis.type(key);
    let content: unknown;
    if (type === 'string') content = await redis.get(key);
    else if (type === 'hash') content = Object.entries(await redis.hgetall(key)).sort();
    else if (type === 'list') content = await redis.lrange(key, 0, -1);
    else if (type === 'set') content = (await redis.smembers(key)).sort();
    else if (type === 'zset') content = await redis.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'stream') content = await redis.xrange(key, '-', '+');
    else if (type === 'none') continue;
    else content = (await redis.dumpBuffer(key))?.toString('hex');
    out.set(
      key,
      createHash('sha256')
        .update(JSON.stringify([type, content]))
        .digest('hex')
        .slice(0, 16),
    );
  }
  return out;
}

function changed(before: Snapshot, after: Snapshot): string[] {
  const diff: string[] = [];
  for (const [key, hash] of after) {
    if (!before.has(key)) diff.push(`+${key}`);
    else if (before.get(key) !== hash) diff.push(`~${key}`);
  }
  for (const key of before.keys()) if (!after.has(key)) diff.push(`-${key}`);
  return diff;
}

/** The last id of every audit stream, to read what a request added. */
async function auditMarks(app: TestApp): Promise<Map<string, string>> {
  const redis = app.ctx.redis;
  const marks = new Map<string, string>();
  for (const key of (await keysOf(redis, app.prefix)).filter(isAudit)) {
    const [last] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    marks.set(key, last?.[0] ?? '0-0');
  }
  return marks;
}

/** Audit entries added since `marks` that are not refusals. */
async function auditNotRefusals(app: TestApp, marks: Map<string, string>): Promise<string[]> {
  const redis = app.ctx.redis;
  const found: string[] = [];
  for (const key of (await keysOf(redis, app.prefix)).filter(isAudit)) {
    const from = marks.get(key) ?? '0-0';
    for (const [id, fields] of await redis.xrange(key, `(${from}`, '+')) {
      const entry = JSON.parse(fields[fields.indexOf('entry') + 1] ?? '{}') as {
        outcome?: string;
        action?: string;
      };
      if (!String(entry.outcome ?? '').startsWith('refused'))
        found.push(`audit ${key} ${id} ${JSON.stringify(entry)}`);
    }
  }
  return found;
}

let canary: Server | undefined;
const canaryHits: string[] = [];
afterAll(async () => {
  if (canary) await new Promise<void>((resolve) => canary?.close(() => resolve()));
});

async function startCanary(): Promise<string> {
  canary = createServer((req, res) => {
    canaryHits.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((resolve) => canary?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(canary.address() as AddressInfo).port}/hooks`;
}

interface Verdict {
  status: number;
  refused: boolean;
  stored: string[];
  /** Slack calls and response posts made for the input, and whether each was only an explanation. */
  slack: string[];
}

/** Slack's side of one input: calls made since `from`, response posts since `posts`. */
function slackSince(fake: FakeSlack, from: number, posts: number): { all: string[]; acting: string[] } {
  const all: string[] = [];
  const acting: string[] = [];
  for (const c of fake.calls.slice(from)) {
    all.push(c.method);
    if (!EXPLAINING.has(c.method)) acting.push(c.method);
  }
  for (const p of fake.responsePosts().slice(posts)) {
    const body = (p.body ?? {}) as {
      response_type?: string;
      replace_original?: boolean;
      delete_original?: boolean;
    };
    const ephemeral = body.response_type !== 'in_channel' && !body.replace_original && !body.delete_original;
    all.push(`response_url${ephemeral ? '' : ' (acting)'}`);
    if (!ephemeral) acting.push('response_url');
  }
  return { all, acting };
}

async function send(app: TestApp, input: Input): Promise<number> {
  if (input.kind === 'slack')
    return (await sendSigned(`${app.url}/slack/events`, input.body, input.sign)).status;
  const headers: Record<string, string> = {};
  if (input.token) headers.authorization = `Bearer ${input.token}`;
  let body: string | undefined;
  if (input.body !== undefined) {
    body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    headers['content-type'] = input.contentType ?? 'application/json';
  }
  try {
    const res = await fetch(`${app.url}${input.path}`, { method: input.method, headers, body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0; // the connection was closed without an answer
  }
}

it('refuses every hostile input and stores none', async ({ app, fake, secsol }) => {
  const started = Date.now();
  const canaryUrl = await startCanary();
  const solution = await secsol.createSolution('Ledger input target');
  const takenName = 'Ledger taken name';
  const other = await secsol.createSolution(takenName);
  expect((await secsol.report(solution, 'healthy')).status).toBe(202);
  // A first status read builds the status read model once (status-index:built); do it before the snapshots.
  const warm = await secsol.runCommand('/secsol status');
  expect(warm.status).toBe(200);
  await waitUntil(() => fake.responsePosts(warm.responseUrl).length > 0 || warm.text.length > 0);
  await waitUntil(async () => (await app.ctx.redis.exists(app.ctx.keys.statusIndexBuilt)) === 1);
  const target: Target = {
    url: app.url,
    solution,
    other,
    takenName,
    canaryUrl,
    responseUrl: () => fake.newResponseUrl({ channel: 'C0SECOPS', user: 'U0APPROVER' }),
  };
  const corpus: Input[] = [...httpCorpus(target), ...slackCorpus(target)];
  const initial = await snapshot(app);
  const verdicts: (Verdict & { input: Input })[] = [];

  /** Sends one input and judges the answer and what changed. */
  const judge = async (input: Input): Promise<Verdict & { input: Input }> => {
    const before = await snapshot(app);
    const marks = await auditMarks(app);
    const calls = fake.calls.length;
    const posts = fake.responsePosts().length;
    const hits = canaryHits.length;
    const status = await send(app, input);
    // A click or a command is acked first and handled after: once its explanation (if any) has reached
    // Slack, or the ack was all, the handler has finished what it does.
    let slack = slackSince(fake, calls, posts);
    if (input.kind === 'slack' && status === 200) {
      await waitUntil(
        async () => {
          slack = slackSince(fake, calls, posts);
          const audit = await auditMarks(app);
          const audited = [...audit].some(([k, v]) => marks.get(k) !== v);
          return slack.all.length > 0 || audited || null;
        },
        { timeoutMs: 1500, intervalMs: 50 },
      ).catch(() => undefined);
    }
    const stored = [
      ...changed(before, await snapshot(app)),
      ...(await auditNotRefusals(app, marks)),
      ...slack.acting.map((m) => `slack ${m}`),
      ...canaryHits.slice(hits).map((h) => `non-Slack response_url called: ${h}`),
    ];
    let refused: boolean;
    if (input.kind === 'http') refused = input.expect.includes(status);
    else if (input.expect === 'unauthorized') refused = status === 401;
    else if (input.expect === 'too-large') refused = status === 413 || status === 0;
    else refused = status === 200 && slack.acting.length === 0 && canaryHits.length === hits;
    return { input, status, refused, stored, slack: slack.all };
  };

  for (const input of corpus) verdicts.push(await judge(input));
  const final = changed(initial, await snapshot(app));

  // Controls, not counted: accepted inputs through the same judge are seen as stored, so a zero above
  // is the judge's finding, not its blindness.
  const report = await judge({
    kind: 'http',
    group: 'control',
    name: 'a valid unhealthy report',
    method: 'POST',
    path: `/api/v1/solutions/${solution.id}/health`,
    token: solution.token,
    body: { status: 'unhealthy', message: 'control' },
    expect: [202],
  });
  expect(report.stored.some((k) => k.includes(`:sol:${solution.id}`))).toBe(true);
  const rename = await judge({
    kind: 'slack',
    group: 'control',
    name: 'a valid Configure save by an approver',
    body: interactivityBody(
      viewSubmissionPayload({
        callbackId: CALLBACK.configure,
        privateMetadata: JSON.stringify({ s: other.id, v: 1, c: 'C0SECOPS' }),
        values: { [CONFIGURE_FIELDS.name]: { type: 'plain_text_input', value: 'Ledger control renamed' } },
        user: 'U0APPROVER',
      }),
    ),
    sign: { secret: SIGNING_SECRET },
    expect: 'ack',
  });
  expect(rename.stored.some((k) => k.includes(`:sol:${other.id}`))).toBe(true);

  // The figures.
  const groups = [
    ...new Set(verdicts.map((v) => `${v.input.kind === 'http' ? 'HTTP' : 'Slack'}: ${v.input.group}`)),
  ];
  const groupRows: Row[] = groups.map((group) => {
    const here = verdicts.filter(
      (v) => `${v.input.kind === 'http' ? 'HTTP' : 'Slack'}: ${v.input.group}` === group,
    );
    return {
      inputs: group,
      tried: here.length,
      refused: here.filter((v) => v.refused).length,
      stored: here.filter((v) => v.stored.length > 0).length,
    };
  });
  const misses = verdicts.filter((v) => !v.refused || v.stored.length > 0);
  const summary = {
    tried: verdicts.length,
    refused: verdicts.filter((v) => v.refused).length,
    stored: verdicts.filter((v) => v.stored.length > 0).length,
    http: verdicts.filter((v) => v.input.kind === 'http').length,
    slack: verdicts.filter((v) => v.input.kind === 'slack').length,
    explainedToUser: verdicts.filter((v) => v.slack.length > 0).length,
    changedOverTheRun: final.length,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const tables: [string, Row[]][] = [['inputs, by group', groupRows]];
  if (misses.length > 0) {
    tables.push([
      'NOT REFUSED OR STORED',
      misses.map((v) => ({
        input: `${v.input.kind} ${v.input.group}: ${v.input.name}`,
        status: v.status,
        expected: v.input.kind === 'http' ? v.input.expect.join('|') : v.input.expect,
        stored: v.stored.join(' ').slice(0, 200),
      })),
    ]);
  }
  printLedger('input', summary, tables);

  expect(summary.tried).toBeGreaterThanOrEqual(100);
  expect(
    misses.map((v) => ({
      input: `${v.input.kind} ${v.input.group}: ${v.input.name}`,
      status: v.status,
      stored: v.stored,
    })),
  ).toEqual([]);
  expect(final).toEqual([]);
  expect(summary.refused).toBe(summary.tried);
  expect(summary.stored).toBe(0);
});
