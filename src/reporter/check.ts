/**
 * A health check is any command: exit status 0 is healthy, anything else (a non-zero status, a signal,
 * a timeout) is unhealthy, and the end of its output becomes the report's message.
 */
import { spawn } from 'node:child_process';

export interface CheckResult {
  status: 'healthy' | 'unhealthy';
  message: string;
}

/** The API refuses control characters other than line breaks and tabs, and keeps 2,000 characters. */
const MESSAGE_LIMIT = 2000;
const CONTROL = /(?![\n\t])[\p{Cc}\p{Cf}]/gu;
const OUTPUT_LIMIT = 64 * 1024;

/** The output as the API accepts it, keeping its end (where the error usually is) within `limit`. */
export function cleanMessage(output: string, limit = MESSAGE_LIMIT): string {
  const text = output.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  return text.length > limit ? `…${text.slice(text.length - limit + 1)}` : text;
}

export function runCheck(command: string, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    // A process group of its own, so that a timeout kills what the shell started too (a `sleep` holding
    // the output pipe open would otherwise keep the check alive).
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ status: 'unhealthy', message: cleanMessage(`the check could not start: ${err.message}`) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ status: 'healthy', message: cleanMessage(output) });
        return;
      }
      const why = timedOut
        ? `the check timed out after ${timeoutMs} ms`
        : signal
          ? `the check was killed by ${signal}`
          : `the check exited with status ${code}`;
      const rest = cleanMessage(output, MESSAGE_LIMIT - why.length - 1);
      resolve({ status: 'unhealthy', message: rest ? `${why}\n${rest}` : why });
    });
  });
}
