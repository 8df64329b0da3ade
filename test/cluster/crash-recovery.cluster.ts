/**
 * The kill-mid-send test (test/worker/crash-recovery.test.ts) on a real three-master Redis Cluster: the
 * worker processes reach the cluster through REDIS_CLUSTER_NODES, one is SIGKILLed while Slack answers, and
 * BullMQ's stall recovery on the cluster lets the next one post the alert exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { TestCluster } from '../harness/redis-cluster.js';
import { killedWhileSlackAnswers, WorkerProcesses } from '../worker/crash-scenarios.js';
import { expectOneSlot } from './one-slot.js';

let cluster: TestCluster;
let fake: FakeSlack;
let app: TestApp | undefined;
const workers = new WorkerProcesses();

beforeAll(async () => {
  [cluster, fake] = await Promise.all([TestCluster.start(), FakeSlack.start()]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), cluster?.stop()]);
});
afterEach(async () => {
  await workers.killAll();
  await app?.close();
  fake.reset();
});

describe('on a Redis Cluster, when the worker is SIGKILLed while Slack is still answering', () => {
  it('loses no alert and duplicates none, every key in one slot', async () => {
    const running = await startApp(fake, {
      redis: cluster.target,
      worker: false,
      env: { SECSOL_EXPECTED_EVERY: '1m' },
    });
    app = running;
    await killedWhileSlackAnswers(running, fake, workers);
    await expectOneSlot(running);
  });
});
