/**
 * The end-to-end alert test (test/e2e/alert-lifecycle.test.ts) on a real three-master Redis Cluster:
 * secsol and BullMQ run through REDIS_CLUSTER_NODES, and every key they write lives in one slot.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { stopsReportingAndComesBack } from '../e2e/alert-scenarios.js';
import { startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { TestCluster } from '../harness/redis-cluster.js';
import { expectOneSlot } from './one-slot.js';

let cluster: TestCluster;
let fake: FakeSlack;
let app: TestApp | undefined;

beforeAll(async () => {
  [cluster, fake] = await Promise.all([TestCluster.start(), FakeSlack.start()]);
});
afterAll(async () => {
  await Promise.all([fake?.close(), cluster?.stop()]);
});
afterEach(async () => {
  await app?.close();
  fake.reset();
});

describe('on a Redis Cluster, when a connected solution stops reporting and comes back', () => {
  it('posts exactly one stopped-reporting alert and resolves it, every key in one slot', async () => {
    const running = await startApp(fake, { redis: cluster.target });
    app = running;
    await stopsReportingAndComesBack(running, fake);
    await expectOneSlot(running);
  });
});
