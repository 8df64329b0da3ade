/**
 * Runs secsol for a test: in process (`startApp`) or as child processes built from dist/
 * (`spawnSecsol`), always against a real Redis (the shared server, or a test's own Redis Cluster) under a
 * fresh prefix and a fake Slack.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { type Running, run } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import type { FakeSlack } from './fake-slack.js';
import { cleanupPrefix, REDIS_URL, type RedisUnderTest, sharedRedis, testPrefix } from './redis.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const ADMIN_TOKEN = 'tA7qV3kZ9mR2wX5pL8nB4cY6';
export const ENROLLMENT_KEY = 'eK4jH8sW2dF6gQ9zN3vM7bT5';
export const ALERT_CHANNEL = 'C0ALERTS';
export const APPROVAL_CHANNEL = 'C0APPROVE';

/** The test profile: every interval shortened to seconds; nothing in the logic assumes they are short. */
export function testEnv(
  fake: FakeSlack,
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_URL,
    PORT: '0',
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SECSOL_ALERT_CHANNEL: ALERT_CHANNEL,
    SECSOL_APPROVAL_CHANNEL: APPROVAL_CHANNEL,
    SECSOL_ADMIN_TOKEN: ADMIN_TOKEN,
    SECSOL_ENROLLMENT_KEY: ENROLLMENT_KEY,
    SECSOL_KEY_PREFIX: prefix,
    SECSOL_TICK_EVERY: '200ms',
    SECSOL_EXPECTED_EVERY: '2s',
    SECSOL_GRACE: '1s',
    SECSOL_ALERT_BACKOFF: '200ms',
    SECSOL_ALERT_ATTEMPTS: '5',
    SECSOL_LOCK_DURATION: '4s',
    SECSOL_STALLED_INTERVAL: '1s',
    SECSOL_HEARTBEAT_STALE: '5s',
    SECSOL_SLACK_TIMEOUT: '2s',
    SECSOL_SHUTDOWN_BUDGET: '5s',
    ...extra,
  };
}

export interface TestApp {
  url: string;
  prefix: string;
  config: Config;
  /** The test's own view of secsol's storage. */
  ctx: StorageContext;
  /** The Redis it runs against; `redis.env` points more secsol processes at the same one. */
  redis: RedisUnderTest;
  running: Running;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  web?: boolean;
  worker?: boolean;
  prefix?: string;
  now?: () => number;
  /**
   * Keep the startup grace of a secsol that just started. By default the app looks like a long-running
   * deployment (reports could always be received), so history seeded in the past is judged as such.
   */
  freshStart?: boolean;
  /** Default: the shared Redis server. */
  redis?: RedisUnderTest;
}

export async function startApp(fake: FakeSlack, opts: StartOptions = {}): Promise<TestApp> {
  const prefix = opts.prefix ?? testPrefix('app');
  const target = opts.redis ?? sharedRedis;
  const config = loadConfig(testEnv(fake, prefix, { ...target.env, ...opts.env }));
  const logger = createLogger(config.logLevel, 'secsol-test');
  const running = await run(config, {
    web: opts.web ?? true,
    worker: opts.worker ?? true,
    logger,
    now: opts.now,
  });
  const redis = target.connect();
  const ctx = storageContext(redis, prefix);
  if (!opts.freshStart) await redis.set(ctx.keys.ingestUpSince, '1');
  return {
    url: `http://127.0.0.1:${running.port}`,
    prefix,
    config,
    ctx,
    redis: target,
    running,
    close: async () => {
      await running.close();
      await cleanupPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export interface SecsolProcess {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs `dist/<entry>.js` as a child process with the test profile; `cwd` is where it runs (default here). */
export function spawnSecsol(
  entry: 'main' | 'web-main' | 'worker-main',
  env: Record<string, string>,
  opts: { cwd?: string } = {},
): SecsolProcess {
  const proc = spawn(process.execPath, [resolve(`dist/${entry}.js`)], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = once(proc, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  return { proc, output: () => out, exited, kill: (signal = 'SIGTERM') => proc.kill(signal) };
}

/** JSON over HTTP with a bearer token. */
export async function call(
  url: string,
  method: string,
  opts: { token?: string; body?: unknown; raw?: string; contentType?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON answers of many endpoints field by field.
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

export { cleanupPrefix, testPrefix };
