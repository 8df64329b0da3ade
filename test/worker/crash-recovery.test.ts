/**
 * A worker process killed in the middle of sending loses no alert and duplicates none. The worker runs
 * as a child process (so it can really die); the web part runs in the test process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNEL, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { incidentFlipId, killedWhileSlackAnswers, postsFor, WorkerProcesses } from './crash-scenarios.js';
import { createSolution, makeIncident, solutionDetail, topLevelPosts } from './helpers.js';

let fake: FakeSlack;
let app: TestApp;
const workers = new WorkerProcesses();

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await workers.killAll();
  await app?.close();
  fake.reset();
});

const startWorker = (extra: Record<string, string> = {}) => workers.start(app, fake, extra);

describe('when the worker is killed between Slack answering ok and recording the post', () => {
  it('finds its message by metadata on recovery and does not post again', async () => {
    app = await startApp(fake, { worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } });
    const first = startWorker({ SECSOL_FAULTS: 'crash_after_slack_ok:once' });
    const s = await createSolution(app, 'Crash after ok');
    await makeIncident(app, s.id, s.token);
    expect(await first.exited).toBe('SIGKILL');
    const flipId = await incidentFlipId(app, s.id);
    expect(postsFor(fake, flipId)).toHaveLength(1);

    startWorker();
    // Stall recovery (lock 4 s, check every 1 s) hands the job to the new worker.
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
      {
        timeoutMs: 15_000,
      },
    );
    expect(postsFor(fake, flipId)).toHaveLength(1);
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
    const flipId = await incidentFlipId(app, s.id);
    expect(postsFor(fake, flipId)).toHaveLength(0);

    startWorker();
    await waitUntil(() => postsFor(fake, flipId).length === 1, { timeoutMs: 15_000 });
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
    );
    expect(postsFor(fake, flipId)).toHaveLength(1);
  });
});

describe('when the worker is SIGKILLed while Slack is still answering', () => {
  it('loses no alert and duplicates none', async () => {
    app = await startApp(fake, { worker: false, env: { SECSOL_EXPECTED_EVERY: '1m' } });
    await killedWhileSlackAnswers(app, fake, workers);
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
    const flipId = await incidentFlipId(app, s.id);
    await waitUntil(() => postsFor(fake, flipId).length === 1, { timeoutMs: 15_000 });
    await waitUntil(
      async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
    );
    expect(postsFor(fake, flipId)).toHaveLength(1);
  });
});
