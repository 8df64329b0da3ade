/**
 * Local mode (no Slack credentials; a signing secret on disk drives it) listens on the loopback only:
 * nobody else on the network can send it commands.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { type SecsolProcess, spawnSecsol } from '../harness/app.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, REDIS_URL, testPrefix, testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

const prefix = testPrefix('local-bind');
let proc: SecsolProcess | undefined;
afterAll(async () => {
  proc?.kill('SIGTERM');
  await proc?.exited;
  const redis = testRedis();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('local mode', () => {
  it('answers on 127.0.0.1 and not on the machine’s other addresses', async () => {
    const port = await freePort();
    proc = spawnSecsol('main', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      REDIS_URL,
      PORT: String(port),
      SECSOL_KEY_PREFIX: prefix,
    });
    const running = proc;
    await waitUntil(() => running.output().includes('secsol started'), { timeoutMs: 20_000 });
    expect(await reachable('127.0.0.1', port)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a?.address as string);
    for (const address of others) expect(await reachable(address, port), address).toBe(false);
  });
});
