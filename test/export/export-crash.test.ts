/**
 * A worker killed in the middle of sending an export message: the message is not lost, and when it is
 * sent again it carries the same webhook-id (receivers de-duplicate on it). The worker runs as a child
 * process so that it can really die; the web part runs in the test process.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, type SecsolProcess, spawnSecsol, startApp, type TestApp, testEnv } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';
import { createSolution } from '../worker/helpers.js';
import { Receiver, SECRET } from './receiver.js';

let fake: FakeSlack;
let receiver: Receiver;
let app: TestApp | undefined;
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
  await receiver?.close();
  fake.reset();
});

describe('when the worker is SIGKILLed while the receiver has not answered yet', () => {
  it('sends the message again after recovery, with the same webhook-id, and delivers it once', async () => {
    receiver = await Receiver.start();
    const env = {
      SECSOL_EXPORT_URL: receiver.url,
      SECSOL_EXPORT_SECRET: SECRET,
      SECSOL_EXPORT_TIMEOUT: '1s',
      SECSOL_EXPORT_BACKOFF: '100ms',
      SECSOL_EXPECTED_EVERY: '1m',
    };
    app = await startApp(fake, { worker: false, env });
    const startWorker = () => {
      const w = spawnSecsol('worker-main', testEnv(fake, (app as TestApp).prefix, env));
      workers.push(w);
      return w;
    };
    receiver.script = ({ n }) => (n === 1 ? { hang: true } : { status: 200 });
    const first = startWorker();
    const s = await createSolution(app, 'Export crash');
    const res = await call(`${app.url}/api/v1/solutions/${s.id}/events`, 'POST', {
      token: s.token,
      body: { events: [{ id: 'mid-send', severity: 'high', title: 'Killed mid send' }] },
    });
    expect(res.status).toBe(202);
    await waitUntil(() => receiver.requests.length === 1, { timeoutMs: 10_000 });
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    startWorker();
    // Stall recovery (lock 4 s) and the dead sender's lease (timeout 1 s + lock 4 s) pass first.
    await waitUntil(() => receiver.delivered().length === 1, { timeoutMs: 20_000 });
    const ids = receiver.requests.map((r) => r.webhookId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect(receiver.requests[1]?.raw).toBe(receiver.requests[0]?.raw);
    expect(receiver.invalid).toEqual([]);
    await waitUntil(async () =>
      (await call(`${app?.url}/metrics`, 'GET')).text.includes('\nsecsol_export_pending 0'),
    );
  });
});
