/**
 * A worker process killed in the middle of sending loses no alert and duplicates none. The worker runs
 * as a child process (so it can really die); the web part runs in the test process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_CHANNEL,
  type SecsolProcess,
  spawnSecsol,
  startApp,
  type TestApp,
  testEnv,
} from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution, deliveryIdOf, makeIncident, solutionDetail, topLevelPosts } from './helpers.js';

let fake: FakeSlack;
let app: TestApp;
const workers: SecsolProcess[] = [];

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  for (const w of workers.splice(0)) {
    w.kill('SIGKILL');
    await w.exited;
  }
  await app?.close();
  fake.reset();
});

function startWorker(extra: Record<string, string> = {}): SecsolProcess {
  const w = spawnSecsol('worker-main', testEnv(fake, app.prefix, { SECSOL_EXPECTED_EVERY: '1m', ...extra }));
  workers.push(w);
  return w;
}

/** The incident messages for one flip that reached the channel. */
function postsFor(flipId: string) {
  return fake
    .messages(ALERT_CHANNEL)
    .filter((m) => !m.thread_ts && m.metadata?.event_payload.delivery_id === flipId);
}

async function incidentFlipId(id: string): Promise<string> {
  return waitUntil(async () => (await solutionDetail(app, id)).flips.find((f) => f.to === 'unhealthy')?.id);
}

describe('when the worker is killed between Slack answering ok and recording the post', () => {
  it('finds its message by metadata on recovery and does not post again', async () => {
    app = await startApp(fake, { worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } });
    const first = startWorker({ SECSOL_FAULTS: 'crash_after_slack_ok:once' });
    const s = await createSolution(app, 'Crash after ok');
    await makeIncident(app, s.id, s.token);
    expect(await first.exited).toBe('SIGKILL');
    const flipId = await incidentFlipId(s.id);
    expect(postsFor(flipId)).toHaveLength(1);

    startWorker();
    // Stall recovery (lock 4 s, check every 1 s) hands the job to the new worker.
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
      {
        timeoutMs: 15_000,
      },
    );
    expect(postsFor(flipId)).toHaveLength(1);
    expect(fake.calls.some((c) => c.method === 'conversations.history')).toBe(true);
  });
});

describe('when the worker is killed after marking the send but before calling Slack', () => {
  it('posts the alert exactly once after recovery', async () => {
    app = await startApp(fake, { worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } });
    const first = startWorker({ SECSOL_FAULTS: 'crash_before_slack:once' });
    const s = await createSolution(app, 'Crash before send');
    await makeIncident(app, s.id, s.token);
    expect(await first.exited).toBe('SIGKILL');
    const flipId = await incidentFlipId(s.id);
    expect(postsFor(flipId)).toHaveLength(0);

    startWorker();
    await waitUntil(() => postsFor(flipId).length === 1, { timeoutMs: 15_000 });
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
    );
    expect(postsFor(flipId)).toHaveLength(1);
  });
});

describe('when the worker is SIGKILLed while Slack is still answering', () => {
  it('loses no alert and duplicates none', async () => {
    app = await startApp(fake, { worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } });
    fake.script('chat.postMessage', { delayMs: 3000 });
    const first = startWorker();
    const s = await createSolution(app, 'Killed mid send');
    await makeIncident(app, s.id, s.token);
    const [call] = await fake.waitFor(topLevelPosts(ALERT_CHANNEL), { timeoutMs: 10_000 });
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const flipId = deliveryIdOf(call) as string;

    startWorker();
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
      {
        timeoutMs: 15_000,
      },
    );
    expect(postsFor(flipId)).toHaveLength(1);
  });
});

describe('when the worker gets SIGTERM while Slack hangs', () => {
  it('exits within its shutdown budget, and the next worker posts the alert once', async () => {
    app = await startApp(fake, { worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } });
    fake.script('chat.postMessage', { hang: true });
    const first = startWorker({ SECSOL_SLACK_TIMEOUT: '60s', SECSOL_SHUTDOWN_BUDGET: '2s' });
    const s = await createSolution(app, 'Hung on shutdown');
    await makeIncident(app, s.id, s.token);
    await fake.waitFor(topLevelPosts(ALERT_CHANNEL), { timeoutMs: 10_000 });
    const stopping = Date.now();
    first.kill('SIGTERM');
    await first.exited;
    expect(Date.now() - stopping).toBeLessThan(2000 + 2000);

    startWorker();
    const flipId = await incidentFlipId(s.id);
    await waitUntil(() => postsFor(flipId).length === 1, { timeoutMs: 15_000 });
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
    );
    expect(postsFor(flipId)).toHaveLength(1);
  });
});
