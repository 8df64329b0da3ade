/**
 * secsol in local mode (no SLACK_* variables) as a child process built from dist/, in a scratch directory,
 * and `npm run slack` run from that directory the way a newcomer runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ADMIN_TOKEN,
  cleanupPrefix,
  ENROLLMENT_KEY,
  type SecsolProcess,
  spawnSecsol,
  testPrefix,
} from '../harness/app.js';
import { REDIS_URL, testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

const CLI = resolve('dist/cli/slack-cli.js');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(dir: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

export interface LocalSecsol {
  dir: string;
  port: number;
  url: string;
  app: SecsolProcess;
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  close(): Promise<void>;
}

/** secsol in local mode in a fresh directory, under a fresh key prefix; `close` stops it and cleans up. */
export async function startLocalSecsol(name: string, env: Record<string, string> = {}): Promise<LocalSecsol> {
  const redis = testRedis();
  const prefix = testPrefix(name);
  const dir = mkdtempSync(join(tmpdir(), 'secsol-cli-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = spawnSecsol(
    'main',
    {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      REDIS_URL,
      PORT: String(port),
      SECSOL_KEY_PREFIX: prefix,
      SECSOL_ADMIN_TOKEN: ADMIN_TOKEN,
      SECSOL_ENROLLMENT_KEY: ENROLLMENT_KEY,
      SECSOL_SHUTDOWN_BUDGET: '3s',
      SECSOL_TICK_EVERY: '200ms',
      ...env,
    },
    { cwd: dir },
  );
  await waitUntil(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, {
    timeoutMs: 15_000,
    message: `secsol answering /healthz; its output:\n${app.output()}`,
  });
  return {
    dir,
    port,
    url,
    app,
    cli: (args, extra = {}) => runCli(dir, args, { PORT: String(port), ...extra }),
    close: async () => {
      app.kill();
      await app.exited;
      await cleanupPrefix(redis, prefix);
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
