/**
 * Worker processes a test can SIGKILL, and the kill-mid-send scenario, shared by
 * test/worker/crash-recovery.test.ts (the shared Redis) and test/cluster/crash-recovery.cluster.ts
 * (a Redis Cluster): the same test on both.
 */
import { expect } from 'vitest';
import { ALERT_CHANNEL, type SecsolProcess, spawnSecsol, type TestApp, testEnv } from '../harness/app.js';
import type { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution, deliveryIdOf, makeIncident, solutionDetail, topLevelPosts } from './helpers.js';

/** Worker processes (dist/worker-main.js) against the app's Redis and prefix, killed after each test. */
export class WorkerProcesses {
  private readonly procs: SecsolProcess[] = [];

  start(app: TestApp, fake: FakeSlack, extra: Record<string, string> = {}): SecsolProcess {
    const env = testEnv(fake, app.prefix, { ...app.redis.env, SECSOL_EXPECTED_EVERY: '1m', ...extra });
    const w = spawnSecsol('worker-main', env);
    this.procs.push(w);
    return w;
  }

  async killAll(): Promise<void> {
    for (const w of this.procs.splice(0)) {
      w.kill('SIGKILL');
      await w.exited;
    }
  }
}

/** The incident messages for one flip that reached the channel. */
export function postsFor(fake: FakeSlack, flipId: string) {
  return fake
    .messages(ALERT_CHANNEL)
    .filter((m) => !m.thread_ts && m.metadata?.event_payload.delivery_id === flipId);
}

export async function incidentFlipId(app: TestApp, id: string): Promise<string> {
  return waitUntil(async () => (await solutionDetail(app, id)).flips.find((f) => f.to === 'unhealthy')?.id);
}

/**
 * A worker SIGKILLed while Slack is still answering its post: the next worker takes the stalled job and
 * the alert is posted exactly once. `app` runs the web part only (expected every 1 m).
 */
export async function killedWhileSlackAnswers(
  app: TestApp,
  fake: FakeSlack,
  workers: WorkerProcesses,
): Promise<void> {
  fake.script('chat.postMessage', { delayMs: 3000 });
  const first = workers.start(app, fake);
  const s = await createSolution(app, 'Killed mid send');
  await makeIncident(app, s.id, s.token);
  const [call] = await fake.waitFor(topLevelPosts(ALERT_CHANNEL), { timeoutMs: 10_000 });
  first.kill('SIGKILL');
  expect(await first.exited).toBe('SIGKILL');
  const flipId = deliveryIdOf(call) as string;

  workers.start(app, fake);
  await waitUntil(
    async () => (await solutionDetail(app, s.id)).flips.find((f) => f.id === flipId)?.delivery === 'sent',
    { timeoutMs: 15_000 },
  );
  expect(postsFor(fake, flipId)).toHaveLength(1);
}
