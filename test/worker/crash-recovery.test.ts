/**
 * A worker process killed in the middle of sending loses no alert and duplicates none. The worker runs
 * as a child process (so it can really die); the web part runs in the test process.
 */
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL, type SecsolProcess, testEnv } from '../harness/app.js';
import type { Secsol, SolutionRef } from '../harness/drivers.js';
import type { FakeSlack } from '../harness/fake-slack.js';
import { secsolTest } from '../harness/fixtures.js';
import { deliveryIdOf, topLevelPosts } from '../harness/slack-expectations.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest({ worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } }).extend(
  'startWorker',
  ({ spawnSecsol }) =>
    /** The worker as a process of its own, against the test's app (to kill it for real). */
    (secsol: Secsol, extra: Record<string, string> = {}): SecsolProcess =>
      spawnSecsol(
        'worker-main',
        testEnv(secsol.fake, secsol.app.prefix, { SECSOL_EXPECTED_EVERY: '1m', ...extra }),
      ),
);

/** The incident messages for one flip that reached the channel. */
function postsFor(fake: FakeSlack, flipId: string) {
  return fake
    .messages(ALERT_CHANNEL)
    .filter((m) => !m.thread_ts && m.metadata?.event_payload.delivery_id === flipId);
}

async function incidentFlipId(secsol: Secsol, id: string): Promise<string> {
  return waitUntil(
    async () => (await secsol.solution(id)).flips.find((f: { to: string }) => f.to === 'unhealthy')?.id,
  );
}

/** A solution's incident, delivered by a worker that `fault` kills (SIGKILL) on the way; returns the flip. */
async function incidentKillingTheWorker(
  secsol: Secsol,
  startWorker: (secsol: Secsol, extra?: Record<string, string>) => SecsolProcess,
  fault: 'crash_after_slack_ok' | 'crash_before_slack',
  name: string,
): Promise<{ s: SolutionRef; flipId: string }> {
  const worker = startWorker(secsol, { SECSOL_FAULTS: `${fault}:once` });
  const s = await secsol.createSolution(name);
  await secsol.startIncident(s);
  expect(await worker.exited).toBe('SIGKILL');
  return { s, flipId: await incidentFlipId(secsol, s.id) };
}

/** Waits until the flip's delivery is recorded as sent. */
function deliveredSent(secsol: Secsol, id: string, flipId: string, timeoutMs?: number) {
  return waitUntil(
    async () =>
      (await secsol.solution(id)).flips.find((f: { id: string }) => f.id === flipId)?.delivery === 'sent',
    { timeoutMs },
  );
}

describe('when the worker is killed between Slack answering ok and recording the post', () => {
  it('finds its message by metadata on recovery and does not post again', async ({
    fake,
    startSecsol,
    startWorker,
  }) => {
    const secsol = await startSecsol();
    const { s, flipId } = await incidentKillingTheWorker(
      secsol,
      startWorker,
      'crash_after_slack_ok',
      'Crash after ok',
    );
    expect(postsFor(fake, flipId)).toHaveLength(1);

    startWorker(secsol);
    // Stall recovery (lock 4 s, check every 1 s) hands the job to the new worker.
    await deliveredSent(secsol, s.id, flipId, 15_000);
    expect(postsFor(fake, flipId)).toHaveLength(1);
    expect(fake.calls.some((c) => c.method === 'conversations.history')).toBe(true);
  });
});

describe('when the worker is killed after marking the send but before calling Slack', () => {
  it('posts the alert exactly once after recovery', async ({ fake, startSecsol, startWorker }) => {
    const secsol = await startSecsol();
    const { s, flipId } = await incidentKillingTheWorker(
      secsol,
      startWorker,
      'crash_before_slack',
      'Crash before send',
    );
    expect(postsFor(fake, flipId)).toHaveLength(0);

    startWorker(secsol);
    await waitUntil(() => postsFor(fake, flipId).length === 1, { timeoutMs: 15_000 });
    await deliveredSent(secsol, s.id, flipId);
    expect(postsFor(fake, flipId)).toHaveLength(1);
  });
});

describe('when the worker is SIGKILLed while Slack is still answering', () => {
  it('loses no alert and duplicates none', async ({ fake, startSecsol, startWorker }) => {
    const secsol = await startSecsol();
    fake.script('chat.postMessage', { delayMs: 3000 });
    const first = startWorker(secsol);
    const s = await secsol.createSolution('Killed mid send');
    await secsol.startIncident(s);
    const [call] = await fake.waitFor(topLevelPosts(ALERT_CHANNEL), { timeoutMs: 10_000 });
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const flipId = deliveryIdOf(call) as string;

    startWorker(secsol);
    await deliveredSent(secsol, s.id, flipId, 15_000);
    expect(postsFor(fake, flipId)).toHaveLength(1);
  });
});

describe('when the worker gets SIGTERM while Slack hangs', () => {
  it('exits within its shutdown budget, and the next worker posts the alert once', async ({
    fake,
    startSecsol,
    startWorker,
  }) => {
    const secsol = await startSecsol();
    fake.script('chat.postMessage', { hang: true });
    const first = startWorker(secsol, {
      SECSOL_SLACK_TIMEOUT: '60s',
      SECSOL_SHUTDOWN_BUDGET: '2s',
    });
    const s = await secsol.createSolution('Hung on shutdown');
    await secsol.startIncident(s);
    await fake.waitFor(topLevelPosts(ALERT_CHANNEL), { timeoutMs: 10_000 });
    const stopping = Date.now();
    first.kill('SIGTERM');
    await first.exited;
    expect(Date.now() - stopping).toBeLessThan(2000 + 2000);

    startWorker(secsol);
    const flipId = await incidentFlipId(secsol, s.id);
    await waitUntil(() => postsFor(fake, flipId).length === 1, { timeoutMs: 15_000 });
    await deliveredSent(secsol, s.id, flipId);
    expect(postsFor(fake, flipId)).toHaveLength(1);
  });
});
