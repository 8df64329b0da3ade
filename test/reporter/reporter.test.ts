/**
 * The reporter (`npm run report`): a check command's exit status becomes a health report, delivered with
 * retries, backoff and jitter; run as a program against a running secsol.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanMessage, runCheck } from '../../src/reporter/check.js';
import { sendReport } from '../../src/reporter/report.js';
import { ADMIN_TOKEN, call, startApp, type TestApp } from '../harness/app.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';

const report = { status: 'healthy' as const, observedAt: new Date().toISOString() };

/** A server answering each request with the next scripted status (then 202), counting requests. */
async function scripted(statuses: { status: number; headers?: Record<string, string> }[]) {
  const seen: { at: number; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      seen.push({ at: Date.now(), body });
      const next = statuses.shift() ?? { status: 202 };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(JSON.stringify({ error: 'x', message: `answered ${next.status}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise((r) => server.close(r)) };
}

const opts = (url: string) => ({
  url,
  solutionId: 'qualys',
  token: 'secsol_abcdefgh',
  attempts: 4,
  backoffMs: 50,
  timeoutMs: 2000,
});

describe('sendReport', () => {
  it('retries 5xx with backoff until accepted', async () => {
    const server = await scripted([{ status: 503 }, { status: 500 }]);
    const outcome = await sendReport(report, opts(server.url));
    expect(outcome).toEqual({ ok: true, status: 202 });
    expect(server.seen).toHaveLength(3);
    expect(JSON.parse(server.seen[0]?.body ?? '')).toEqual(report);
    await server.close();
  });

  it("waits a 429's Retry-After before the next attempt", async () => {
    const server = await scripted([{ status: 429, headers: { 'retry-after': '1' } }]);
    expect(await sendReport(report, opts(server.url))).toEqual({ ok: true, status: 202 });
    const [first, second] = server.seen;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    await server.close();
  });

  it('does not retry what retrying cannot fix (401, 404, 409)', async () => {
    for (const status of [401, 404, 409]) {
      const server = await scripted([{ status }]);
      const outcome = await sendReport(report, opts(server.url));
      expect(outcome).toMatchObject({ ok: false, status });
      expect(server.seen).toHaveLength(1);
      await server.close();
    }
  });

  it('gives up after its attempts when nothing answers, with jittered waits', async () => {
    const waits: string[] = [];
    const outcome = await sendReport(report, {
      ...opts('http://127.0.0.1:9'),
      attempts: 3,
      random: () => 0.5,
      log: (line) => waits.push(line),
    });
    expect(outcome).toMatchObject({ ok: false, status: null });
    // Full jitter: half of 50 ms, then half of 100 ms.
    expect(waits.map((l) => /in (\d+) ms/.exec(l)?.[1])).toEqual(['25', '50']);
  });
});

describe('runCheck', () => {
  it('is healthy on exit status 0 and unhealthy otherwise, with the end of the output', async () => {
    expect(await runCheck('echo all good', 5000)).toEqual({ status: 'healthy', message: 'all good' });
    expect(await runCheck('echo disk full >&2; exit 3', 5000)).toEqual({
      status: 'unhealthy',
      message: 'the check exited with status 3\ndisk full',
    });
  });

  it('counts a check that runs too long as unhealthy', async () => {
    const result = await runCheck('sleep 5', 200);
    expect(result).toEqual({ status: 'unhealthy', message: 'the check timed out after 200 ms' });
  });

  it('keeps line breaks, drops control characters and keeps the end of a long output', () => {
    expect(cleanMessage('\u001b[31mred\u001b[0m\r\nnext\tcol')).toBe('[31mred[0m\nnext\tcol');
    const long = cleanMessage(`${'x'.repeat(5000)}END`);
    expect(long).toHaveLength(2000);
    expect(long.endsWith('END')).toBe(true);
  });
});

describe('npm run report against a running secsol', () => {
  let fake: FakeSlack;
  let app: TestApp;
  let dir: string;
  let solution: { id: string; token: string };
  let tokenFile: string;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    app = await startApp(fake, { env: { SECSOL_EXPECTED_EVERY: '10m' } });
    const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
      token: ADMIN_TOKEN,
      body: { name: 'Reporter Demo', vendor: 'Qualys' },
    });
    solution = res.body;
    dir = mkdtempSync(join(tmpdir(), 'secsol-report-'));
    tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${solution.token}\n`);
    chmodSync(tokenFile, 0o600);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await app?.close();
    await fake?.close();
  });

  const reporter = (args: string[]) => {
    const proc = spawn(
      process.execPath,
      [resolve('dist/reporter/reporter-cli.js'), '--url', app.url, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    proc.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = once(proc, 'exit').then(([code]) => code as number);
    return { proc, exited, output: () => output };
  };
  const state = async () =>
    (await call(`${app.url}/api/v1/solutions/${solution.id}`, 'GET', { token: ADMIN_TOKEN })).body;

  it('reports once from a failing check and exits 0; secsol shows the solution unhealthy', async () => {
    const run = reporter([
      '--solution',
      solution.id,
      '--token-file',
      tokenFile,
      '--check',
      'echo scan engine down; exit 2',
    ]);
    expect(await run.exited).toBe(0);
    const s = await state();
    expect(s.state).toBe('unhealthy');
    expect(s.lastHealthMessage).toBe('the check exited with status 2\nscan engine down');
  });

  it('reports on a cadence until stopped', async () => {
    const run = reporter(['--solution', solution.id, '--token-file', tokenFile, '--every', '1s']);
    await waitUntil(async () => (run.output().match(/reported healthy/g) ?? []).length >= 2, {
      timeoutMs: 10_000,
      message: 'two reports',
    });
    expect((await state()).state).toBe('healthy');
    run.proc.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('exits 2 without retrying when secsol refuses the token, and 64 on bad arguments', async () => {
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'secsol_not-the-right-token-at-all');
    chmodSync(wrong, 0o600);
    const run = reporter(['--solution', solution.id, '--token-file', wrong]);
    expect(await run.exited).toBe(2);
    expect(run.output()).toMatch(/401/);
    expect(run.output()).not.toContain('retrying');
    expect(await reporter(['--token-file', tokenFile]).exited).toBe(64);
    expect(await reporter(['--solution', solution.id, '--token-file', join(dir, 'missing')]).exited).toBe(64);
  });
});
