/**
 * SECSOL_WEB_PROCESSES=2: two web processes (node:cluster) serve one port, both answer reports, and
 * SIGTERM stops them all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, type SecsolProcess, spawnSecsol, testEnv } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

let fake: FakeSlack | undefined;
let proc: SecsolProcess | undefined;
const prefix = testPrefix('web-processes');

afterAll(async () => {
  proc?.kill('SIGKILL');
  await proc?.exited;
  await fake?.close();
  const redis = testRedis();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

describe('with SECSOL_WEB_PROCESSES=2', () => {
  it('serves one port from two processes, and stops them all on SIGTERM', async () => {
    fake = await FakeSlack.start();
    const port = await freePort();
    proc = spawnSecsol('web-main', testEnv(fake, prefix, { PORT: String(port), SECSOL_WEB_PROCESSES: '2' }));
    const url = `http://127.0.0.1:${port}`;
    const created = await waitUntil(
      async () => {
        const res = await call(`${url}/api/v1/solutions`, 'POST', {
          token: ADMIN_TOKEN,
          body: { name: 'Two Processes', vendor: 'V' },
        });
        return res.status === 201 ? (res.body as { id: string; token: string }) : null;
      },
      { timeoutMs: 20_000, message: 'the web processes answer' },
    );
    // Each request on a new connection; the primary hands connections to the processes in turn.
    const seen = new Set<string>();
    await waitUntil(
      async () => {
        const res = await fetch(`${url}/api/v1/solutions/${created.id}/health`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${created.token}`,
            'content-type': 'application/json',
            connection: 'close',
          },
          body: JSON.stringify({ status: 'healthy' }),
        });
        expect(res.status).toBe(202);
        await res.arrayBuffer();
        seen.add(res.headers.get('secsol-web-process') ?? '');
        return seen.size >= 2;
      },
      { timeoutMs: 15_000, message: 'answers from two web processes' },
    );
    expect([...seen].sort()).toEqual(['1', '2']);
    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
