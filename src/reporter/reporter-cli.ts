#!/usr/bin/env node
/**
 * `npm run report` (or the `secsol-report` binary): reports a solution's health to secsol, once (for cron
 * or a Kubernetes CronJob) or on a cadence (`--every`, for a systemd service or a sidecar). The status
 * comes from a check command's exit status; without one, the report says the reporter is alive.
 *
 * Exit status: 0 when the last report was accepted, 1 when it could not be delivered after its retries,
 * 2 when secsol refused it for good (a wrong token or solution), 64 for bad arguments.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDuration } from '../domain/duration.js';
import { runCheck } from './check.js';
import { type SendOutcome, sendReport } from './report.js';

export const USAGE = `Report a solution's health to secsol.

Usage:
  npm run report -- --solution <id> --token-file <file> [--every 5m] [--check '<command>'] [--url <url>]

Options:
  --solution <id>         the solution's id (from POST /api/v1/solutions or enrollment)
  --token-file <file>     a file holding the solution's token (keep it readable by this user only)
  --check <command>       run by /bin/sh: exit status 0 reports healthy, anything else unhealthy with the
                          end of its output as the message; without it, every report is healthy
  --every <duration>      report on this cadence (90s, 5m, 1h) until stopped; without it, report once
  --url <url>             where secsol listens (default $SECSOL_URL, else http://127.0.0.1:3000)
  --check-timeout <dur>   how long a check may run (default 60s; then it counts as unhealthy)
  --attempts <n>          delivery attempts per report (default 5), with exponential backoff and jitter

Exit status: 0 accepted, 1 not delivered, 2 refused by secsol (wrong token or solution), 64 bad arguments.`;

class UsageError extends Error {}

export interface ReporterSettings {
  url: string;
  solutionId: string;
  token: string;
  everyMs: number | null;
  check: string | null;
  checkTimeoutMs: number;
  attempts: number;
}

function duration(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0)
    throw new UsageError(`--${name}: "${text}" is not a duration like 90s, 5m or 1h`);
  return ms;
}

export function parseSettings(argv: string[], env: NodeJS.ProcessEnv): ReporterSettings {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        solution: { type: 'string' },
        'token-file': { type: 'string' },
        every: { type: 'string' },
        check: { type: 'string' },
        url: { type: 'string' },
        'check-timeout': { type: 'string' },
        attempts: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const solutionId = values.solution;
  if (!solutionId || !/^[a-z0-9-]{1,64}$/.test(solutionId))
    throw new UsageError('--solution <id> is required');
  const tokenFile = values['token-file'];
  if (!tokenFile) throw new UsageError('--token-file <file> is required');
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--token-file: cannot read ${tokenFile}: ${(err as NodeJS.ErrnoException).code}`);
  }
  if (!/^[A-Za-z0-9._~+/=-]{8,512}$/.test(token))
    throw new UsageError(`--token-file: ${tokenFile} holds no token`);
  if ((statSync(tokenFile).mode & 0o077) !== 0) {
    process.stderr.write(`warning: ${tokenFile} is readable by other users; chmod 600 it\n`);
  }
  const attempts = Number(values.attempts ?? '5');
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
    throw new UsageError('--attempts: a whole number from 1 to 100');
  }
  return {
    url: values.url ?? env.SECSOL_URL ?? 'http://127.0.0.1:3000',
    solutionId,
    token,
    everyMs: values.every === undefined ? null : duration('every', values.every),
    check: values.check ?? null,
    checkTimeoutMs: duration('check-timeout', values['check-timeout'] ?? '60s'),
    attempts,
  };
}

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

async function reportOnce(s: ReporterSettings): Promise<SendOutcome> {
  const result = s.check
    ? await runCheck(s.check, s.checkTimeoutMs)
    : { status: 'healthy' as const, message: '' };
  const outcome = await sendReport(
    {
      status: result.status,
      observedAt: new Date().toISOString(),
      ...(result.message ? { message: result.message } : {}),
    },
    {
      url: s.url,
      solutionId: s.solutionId,
      token: s.token,
      attempts: s.attempts,
      backoffMs: 1000,
      timeoutMs: 10_000,
      log,
    },
  );
  log(outcome.ok ? `reported ${result.status}` : `report not delivered: ${outcome.reason}`);
  return outcome;
}

function exitCode(outcome: SendOutcome): number {
  if (outcome.ok) return 0;
  return outcome.status !== null && outcome.status < 500 && outcome.status !== 429 ? 2 : 1;
}

export async function main(argv: string[]): Promise<number> {
  let settings: ReporterSettings;
  try {
    settings = parseSettings(argv, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    return 64;
  }
  if (settings.everyMs === null) return exitCode(await reportOnce(settings));

  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  let last: SendOutcome = { ok: true, status: 0 };
  while (!stop.signal.aborted) {
    const started = Date.now();
    last = await reportOnce(settings);
    if (exitCode(last) === 2) return 2; // a wrong token will not become right by waiting
    // Up to 10% jitter, so that reporters started together drift apart.
    const wait =
      Math.max(0, settings.everyMs - (Date.now() - started)) + Math.random() * settings.everyMs * 0.1;
    await sleep(wait, undefined, { signal: stop.signal }).catch(() => undefined);
  }
  return exitCode(last);
}

// Run only as a program, not when a test imports the module.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
