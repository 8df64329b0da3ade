/** What every benchmark shares: timing, formatting, child processes, wrk, and the throwaway key prefix. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
export const fmt = (n: number) =>
  !Number.isFinite(n)
    ? '–'
    : n < 10
      ? n.toFixed(2)
      : n < 100
        ? n.toFixed(1)
        : Math.round(n).toLocaleString('en');
export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

export function has(command: string): boolean {
  try {
    execFileSync('which', [command], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export const tmp = (name: string) => mkdtempSync(join(tmpdir(), `secsol-bench-${name}-`));

export interface Child {
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

export function start(cmd: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    output: () => out,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Polls `url` until it answers (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 20_000, child?: Child): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      if (Date.now() > until) throw new Error(`${url} did not answer: ${child?.output() ?? ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  requests: number;
}

/**
 * wrk against one POST endpoint: `-t2 -c32` for `seconds`. `luaBody` is the Lua that sets wrk.body (or a
 * request() function); the headers are set here.
 */
export function wrk(
  url: string,
  headers: Record<string, string>,
  luaBody: string,
  opts: { seconds?: number; threads?: number; connections?: number } = {},
): WrkResult {
  const dir = tmp('wrk');
  const script = join(dir, 'post.lua');
  const hdr = Object.entries(headers)
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(
    script,
    `wrk.method = "POST"\n${hdr}\n${luaBody}\ndone = function(summary, latency, requests)\n` +
      `  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.errors.status, ` +
      `latency:percentile(50), latency:percentile(99), summary.duration))\nend\n`,
  );
  const out = execFileSync(
    'wrk',
    [`-t${opts.threads ?? 2}`, `-c${opts.connections ?? 32}`, `-d${opts.seconds ?? 8}s`, '-s', script, url],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = /BENCH (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  if (!line) throw new Error(`wrk said: ${out}`);
  return {
    rps,
    requests: Number(line[1]),
    non2xx: Number(line[2]),
    p50: Number(line[3]) / 1000,
    p99: Number(line[4]) / 1000,
  };
}

/** Deletes every key under a prefix (SCAN + UNLINK). */
export async function cleanupPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number((await redis.info('memory')).match(/used_memory:(\d+)/)?.[1]);
}
