/**
 * The fault ledger (`npm run ledger`): one run that drives a known number of incidents through secsol while
 * injecting every kind of fault the single fault tests cover, and counts what reached Slack.
 *
 * secsol's web part runs in this process and its worker as child processes built from dist/ (so they can
 * be SIGKILLed), against a fake Slack and a private, persistent redis-server (so it can be killed, paused
 * and restarted). Each phase starts two incidents (one solution reports unhealthy, one goes silent) and
 * injects its fault while their alerts are on the way; the next phase starts once both are posted.
 *
 * Figures: faults injected per kind (counted when they happened, not when they were scheduled), alerts
 * expected (one per incident: its flip), posted (top-level messages in the alert channel), unique (distinct
 * delivery ids in their metadata), lost (expected flips never posted) and duplicated (posted − unique).
 * The run fails unless lost = 0 and duplicated = 0.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, onTestFinished } from 'vitest';
import { ALERT_CHANNEL, type SecsolProcess, testEnv } from '../harness/app.js';
import type { Secsol, SolutionRef } from '../harness/drivers.js';
import type { FakeSlack, Scripted } from '../harness/fake-slack.js';
import { privateRedisForFile, secsolTest } from '../harness/fixtures.js';
import type { RedisUnderTest } from '../harness/redis.js';
import { deliveryIdOf, topLevelPosts } from '../harness/slack-expectations.js';
import { TcpProxy } from '../harness/tcp-proxy.js';
import { waitUntil } from '../harness/wait.js';
import { printLedger, type Row } from './ledger-report.js';

/** The cadence of solutions that report unhealthy: long, so nothing else flips during the run. */
const LONG_CADENCE = '10m';
/** The cadence of solutions that go silent: they are stopped reporting 3 s after their last report. */
const SILENT_POLICY = { expectedEvery: '2s', grace: '1s' };

const ENV = {
  SECSOL_EXPECTED_EVERY: LONG_CADENCE,
  // One message per incident: a digest would stand for several flips in one message.
  SECSOL_DIGEST_THRESHOLD: '1000',
  SECSOL_ALERT_ATTEMPTS: '12',
  SECSOL_ALERT_BACKOFF: '200ms',
  SECSOL_SLACK_TIMEOUT: '2s',
};

const it = secsolTest({ worker: false, env: ENV }).extend(
  'redis',
  { scope: 'file' },
  privateRedisForFile({ persistent: true, args: ['--enable-debug-command', 'yes'] }),
);

type FaultKind =
  | 'worker SIGKILL mid-send'
  | 'worker crash before Slack call'
  | 'worker crash after Slack ok'
  | 'Slack 429 Retry-After'
  | 'Slack 5xx'
  | 'Slack timeout (no answer)'
  | 'Slack timeout (answered late, message kept)'
  | 'Redis CLIENT KILL'
  | 'Redis CLIENT PAUSE'
  | 'Redis restart (AOF)'
  | 'Redis CLIENT UNBLOCK'
  | 'Redis stalls 6 s (DEBUG SLEEP)'
  | 'Redis connections die silently';

interface Incident {
  phase: string;
  kind: 'unhealthy' | 'silent';
  solution: SolutionRef;
}

/** Everything the run drives and injects, for the figures. */
class Ledger {
  readonly incidents: Incident[] = [];
  readonly faults = new Map<FaultKind, number>();
  readonly phaseFaults = new Map<string, FaultKind[]>();

  injected(phase: string, kind: FaultKind, n = 1): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + n);
    const list = this.phaseFaults.get(phase) ?? [];
    for (let i = 0; i < n; i++) list.push(kind);
    this.phaseFaults.set(phase, list);
  }
}

/** A step retried until it succeeds (Redis may be down or paused for a moment while the run drives it). */
function retried<T>(
  what: string,
  step: () => Promise<T | null>,
  timeoutMs = 20_000,
): Promise<NonNullable<T>> {
  return waitUntil(() => step().catch(() => null), { timeoutMs, message: what });
}

/**
 * A solution created as a careful client would while connections drop: a create whose answer was lost may
 * have happened, and then the retry is told the name is taken (409 with its id): a new token finishes it.
 */
async function created(secsol: Secsol, name: string, fields: Record<string, unknown>): Promise<SolutionRef> {
  return retried(`${name} is created`, async () => {
    const res = await secsol.admin('POST', '/api/v1/solutions', { name, vendor: 'Ledger', ...fields });
    if (res.status === 201) return res.body as SolutionRef;
    if (res.status !== 409) return null;
    const id = res.body.existingId as string;
    const rotated = await secsol.admin('POST', `/api/v1/solutions/${id}/token`);
    return rotated.status === 200 ? { id, token: rotated.body.token as string } : null;
  });
}

/** Reports healthy until the worker has judged the solution healthy (its first flip). */
async function healthyJudged(secsol: Secsol, s: SolutionRef): Promise<void> {
  await retried(`${s.id} reports healthy`, async () => (await secsol.report(s, 'healthy')).status === 202);
  await retried(
    `${s.id} is judged healthy`,
    async () => (await secsol.solution(s.id)).flips[0]?.to === 'healthy',
  );
}

/** Two solutions judged healthy, ready to become one incident each: one will report unhealthy, one go silent. */
async function prepare(secsol: Secsol, ledger: Ledger, phase: string): Promise<() => Promise<void>> {
  const slug = phase.replace(/[^A-Za-z0-9]+/g, ' ').trim();
  const [bad, quiet] = await Promise.all([
    created(secsol, `Ledger ${slug} unhealthy`, {}),
    created(secsol, `Ledger ${slug} silent`, SILENT_POLICY),
  ]);
  await Promise.all([healthyJudged(secsol, bad), healthyJudged(secsol, quiet)]);
  ledger.incidents.push(
    { phase, kind: 'unhealthy', solution: bad },
    { phase, kind: 'silent', solution: quiet },
  );
  // Starting the incidents: the unhealthy report now; the silent one is already on its way (its last
  // report was just now, so it is stopped reporting 3 s later).
  return async () => {
    await retried(
      `${bad.id} reports unhealthy`,
      async () => (await secsol.report(bad, 'unhealthy', 'ledger')).status === 202,
    );
  };
}

const topLevel = (fake: FakeSlack) => fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);
/**
 * The delivery id of every top-level post Slack accepted in the alert channel, one per accepted call (a post
 * answered late still counts: Slack kept it). The messages the channel holds must say the same.
 */
const deliveryIds = (fake: FakeSlack) =>
  fake.calls
    .filter(
      (c) => topLevelPosts(ALERT_CHANNEL)(c) && (c.response as { ok?: boolean } | undefined)?.ok === true,
    )
    .map((c) => deliveryIdOf(c) ?? 'none');
const solutionOf = (fake: FakeSlack, id: string) =>
  topLevel(fake).filter((m) => m.metadata?.event_payload.solution_id === id);

/** Waits until both incidents of the phase are in the alert channel. */
async function phasePosted(
  fake: FakeSlack,
  ledger: Ledger,
  phase: string,
  timeoutMs = 30_000,
): Promise<void> {
  const ids = ledger.incidents.filter((i) => i.phase === phase).map((i) => i.solution.id);
  await waitUntil(() => ids.every((id) => solutionOf(fake, id).length > 0), {
    timeoutMs,
    message: `the alerts of phase "${phase}" are posted`,
  });
}

/** Scripts Slack answers for chat.postMessage and waits until that many calls have used them. */
async function slackFault(fake: FakeSlack, answers: Scripted[]): Promise<() => Promise<void>> {
  const before = fake.callsTo('chat.postMessage').length;
  fake.script('chat.postMessage', ...answers);
  return async () => {
    await waitUntil(() => fake.callsTo('chat.postMessage').length >= before + answers.length, {
      timeoutMs: 30_000,
      message: `the ${answers.length} scripted Slack answers are used`,
    });
  };
}

it('loses no alert and duplicates none under injected faults', async ({
  fake,
  redis,
  startSecsol,
  spawnSecsol,
}) => {
  const started = Date.now();
  const target: RedisUnderTest = {
    env: { REDIS_URL: redis.url },
    connect: () => new Redis(redis.url, { maxRetriesPerRequest: 20 }),
  };
  const secsol = await startSecsol({ redis: target });
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 20 });
  const ledger = new Ledger();
  // The worker reaches Redis through a TCP proxy, which can make its connections die silently.
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(redis.url).port) });
  onTestFinished(() => proxy.close());
  const workerEnv = (extra: Record<string, string> = {}) =>
    testEnv(fake, secsol.app.prefix, { ...ENV, REDIS_URL: proxy.url, ...extra });
  let worker: SecsolProcess = spawnSecsol('worker-main', workerEnv());

  /** The worker stopped (SIGTERM, its ordinary shutdown, not a fault) and another started. */
  const replaceWorker = async (extra: Record<string, string> = {}) => {
    worker.kill('SIGTERM');
    await worker.exited;
    worker = spawnSecsol('worker-main', workerEnv(extra));
  };
  const postCallsSoFar = () => fake.callsTo('chat.postMessage').length;

  try {
    // 1. No fault: the baseline.
    {
      const phase = 'baseline';
      const start = await prepare(secsol, ledger, phase);
      await start();
      await phasePosted(fake, ledger, phase);
    }

    // 2. Slack rate-limits: two 429s with Retry-After 1 s.
    {
      const phase = 'Slack 429';
      const start = await prepare(secsol, ledger, phase);
      const used = await slackFault(fake, [
        { status: 429, retryAfter: 1 },
        { status: 429, retryAfter: 1 },
      ]);
      await start();
      await used();
      ledger.injected(phase, 'Slack 429 Retry-After', 2);
      await phasePosted(fake, ledger, phase);
    }

    // 3. Slack fails: 500, 503, 502.
    {
      const phase = 'Slack 5xx';
      const start = await prepare(secsol, ledger, phase);
      const used = await slackFault(fake, [{ status: 500 }, { status: 503 }, { status: 502 }]);
      await start();
      await used();
      ledger.injected(phase, 'Slack 5xx', 3);
      await phasePosted(fake, ledger, phase);
    }

    // 4. Slack never answers: the client gives up after SECSOL_SLACK_TIMEOUT (2 s); nothing was posted.
    {
      const phase = 'Slack hangs';
      const start = await prepare(secsol, ledger, phase);
      const used = await slackFault(fake, [{ hang: true }, { hang: true }]);
      await start();
      await used();
      ledger.injected(phase, 'Slack timeout (no answer)', 2);
      await phasePosted(fake, ledger, phase);
    }

    // 5. Slack keeps the message but answers after the timeout: the retry must find it, not post again.
    {
      const phase = 'Slack answers late';
      const start = await prepare(secsol, ledger, phase);
      const used = await slackFault(fake, [{ delayMs: 3000 }, { delayMs: 3000 }]);
      await start();
      await used();
      ledger.injected(phase, 'Slack timeout (answered late, message kept)', 2);
      await phasePosted(fake, ledger, phase);
    }

    // 6. The worker is SIGKILLed while Slack is still answering its post; another worker takes over.
    {
      const phase = 'worker SIGKILL';
      const start = await prepare(secsol, ledger, phase);
      const calls = postCallsSoFar();
      fake.script('chat.postMessage', { delayMs: 3000 });
      await start();
      await waitUntil(() => postCallsSoFar() > calls, { timeoutMs: 15_000, message: 'a post is on its way' });
      worker.kill('SIGKILL');
      expect(await worker.exited).toBe('SIGKILL');
      ledger.injected(phase, 'worker SIGKILL mid-send');
      worker = spawnSecsol('worker-main', workerEnv());
      await phasePosted(fake, ledger, phase);
    }

    // 7 and 8. The worker dies (as SIGKILL) right before calling Slack, then right after Slack said ok.
    for (const [phase, fault, kind] of [
      ['crash before Slack', 'crash_before_slack', 'worker crash before Slack call'],
      ['crash after Slack ok', 'crash_after_slack_ok', 'worker crash after Slack ok'],
    ] as const) {
      const start = await prepare(secsol, ledger, phase);
      await replaceWorker({ SECSOL_FAULTS: `${fault}:once` });
      await start();
      expect(await worker.exited).toBe('SIGKILL');
      ledger.injected(phase, kind);
      worker = spawnSecsol('worker-main', workerEnv());
      await phasePosted(fake, ledger, phase);
    }

    // 9. Every client connection killed, once as the incidents start and once after an alert went out.
    {
      const phase = 'Redis CLIENT KILL';
      const start = await prepare(secsol, ledger, phase);
      const calls = postCallsSoFar();
      await start();
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
      ledger.injected(phase, 'Redis CLIENT KILL');
      await waitUntil(() => postCallsSoFar() > calls, { timeoutMs: 20_000, message: 'a post is on its way' });
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
      ledger.injected(phase, 'Redis CLIENT KILL');
      await phasePosted(fake, ledger, phase);
    }

    // 10. Redis stops answering every client for 2 s as the incidents start.
    {
      const phase = 'Redis CLIENT PAUSE';
      const start = await prepare(secsol, ledger, phase);
      await start();
      await admin.call('CLIENT', 'PAUSE', '2000', 'ALL');
      ledger.injected(phase, 'Redis CLIENT PAUSE');
      await phasePosted(fake, ledger, phase);
    }

    // 11. Redis is killed and restarted (append-only file, fsync always) while a post is on its way.
    {
      const phase = 'Redis restart';
      const start = await prepare(secsol, ledger, phase);
      const calls = postCallsSoFar();
      fake.script('chat.postMessage', { delayMs: 1500 });
      await start();
      await waitUntil(() => postCallsSoFar() > calls, { timeoutMs: 15_000, message: 'a post is on its way' });
      await redis.kill();
      await redis.restart();
      ledger.injected(phase, 'Redis restart (AOF)');
      await phasePosted(fake, ledger, phase, 45_000);
    }

    // 12. The consumers blocked waiting for jobs are woken with an error, as the incidents start.
    {
      const phase = 'Redis CLIENT UNBLOCK';
      const start = await prepare(secsol, ledger, phase);
      await start();
      const blocked = String(await admin.call('CLIENT', 'LIST'))
        .split('\n')
        .filter((line) => / flags=\S*b/.test(line))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
      for (const id of blocked) await admin.call('CLIENT', 'UNBLOCK', id, 'ERROR');
      ledger.injected(phase, 'Redis CLIENT UNBLOCK');
      await phasePosted(fake, ledger, phase);
    }

    // 13. Redis stalls for 6 s (a slow command), past the reconnect watchdog's patience, as they start.
    {
      const phase = 'Redis stalls';
      const start = await prepare(secsol, ledger, phase);
      await start();
      await admin.call('DEBUG', 'SLEEP', '6');
      ledger.injected(phase, 'Redis stalls 6 s (DEBUG SLEEP)');
      await phasePosted(fake, ledger, phase, 30_000);
    }

    // 14. Every connection of the worker dies silently (nothing forwarded, nothing closed) as they start.
    {
      const phase = 'Redis silent death';
      const start = await prepare(secsol, ledger, phase);
      await start();
      expect(proxy.blackhole()).toBeGreaterThan(0);
      ledger.injected(phase, 'Redis connections die silently');
      await phasePosted(fake, ledger, phase, 30_000);
    }

    // Quiet: every incident's delivery is recorded as sent and nothing is left to deliver, so no late
    // duplicate can still arrive.
    const flipIds = new Map<string, string>();
    for (const incident of ledger.incidents) {
      const flipId = await retried(`the incident flip of ${incident.solution.id} is sent`, async () => {
        const flips = (await secsol.solution(incident.solution.id)).flips as {
          id: string;
          to: string;
          delivery: string;
        }[];
        const bad = flips.find((f) => f.to !== 'healthy');
        return bad?.delivery === 'sent' ? bad.id : null;
      });
      flipIds.set(incident.solution.id, flipId);
    }
    const queue = new Queue('deliver', {
      connection: secsol.app.ctx.redis,
      prefix: secsol.app.ctx.keys.bullPrefix,
    });
    try {
      await waitUntil(
        async () => {
          const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
          const left = Object.values(counts).reduce((a, b) => a + b, 0);
          return left === 0 && (await secsol.app.ctx.redis.zcard(secsol.app.ctx.keys.outbox)) === 0;
        },
        { timeoutMs: 30_000, message: 'nothing is left to deliver' },
      );
    } finally {
      await queue.close();
    }

    // The figures.
    const everything = deliveryIds(fake);
    // Operator notices are not alerts: after a stall (DEBUG SLEEP, a silent connection) the worker says in
    // the channel that evaluation had stopped and runs again. Counted apart; duplicates of them count too.
    const notices = everything.filter((id) => id.startsWith('ops-'));
    const posted = everything.filter((id) => !id.startsWith('ops-'));
    const unique = new Set(posted);
    const expected = [...flipIds.values()];
    const lostIds = expected.filter((id) => !unique.has(id));
    const duplicatedIds = [...new Set(everything)].filter(
      (id) => everything.filter((p) => p === id).length > 1,
    );
    const unexpected = [...unique].filter((id) => !expected.includes(id));

    const phases = [...new Set(ledger.incidents.map((i) => i.phase))];
    const phaseRows: Row[] = phases.map((phase) => {
      const ids = ledger.incidents
        .filter((i) => i.phase === phase)
        .map((i) => flipIds.get(i.solution.id) ?? '');
      const postedHere = posted.filter((p) => ids.includes(p));
      return {
        phase,
        faults: (ledger.phaseFaults.get(phase) ?? []).length,
        expected: ids.length,
        posted: postedHere.length,
        unique: new Set(postedHere).size,
        lost: ids.filter((id) => !postedHere.includes(id)).length,
        duplicated: postedHere.length - new Set(postedHere).size,
      };
    });
    const faultRows: Row[] = [...ledger.faults].map(([kind, n]) => ({ fault: kind, injected: n }));
    const faultsInjected = [...ledger.faults.values()].reduce((a, b) => a + b, 0);
    const summary = {
      faultsInjected,
      faultsByKind: Object.fromEntries(ledger.faults),
      alertsExpected: expected.length,
      posted: posted.length,
      unique: unique.size,
      lost: lostIds.length,
      duplicated: posted.length - unique.size,
      unexpected: unexpected.length,
      operatorNotices: notices.length,
      slackCalls: fake.calls.length,
      historyLookups: fake.callsTo('conversations.history').length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    printLedger('fault', summary, [
      ['faults injected, by kind', faultRows],
      ['alerts, by phase (each phase: one solution unhealthy, one silent)', phaseRows],
    ]);

    expect(summary.alertsExpected).toBe(ledger.incidents.length);
    expect({ lost: lostIds, duplicated: duplicatedIds }).toEqual({ lost: [], duplicated: [] });
    expect(unexpected).toEqual([]);
    // The channel holds what the calls say: one message per accepted post.
    expect(
      topLevel(fake)
        .map((m) => String(m.metadata?.event_payload.delivery_id))
        .sort(),
    ).toEqual([...everything].sort());
    expect(fake.invalid).toEqual([]);
    expect(Object.keys(summary.faultsByKind)).toHaveLength(13);
  } finally {
    admin.disconnect();
  }
}, 240_000);
