/**
 * Failures a test scripts into the fake Slack (`fake.script(method, …)`): an `ok:false` error, a 429 with
 * Retry-After, a 5xx, a hang, a reset socket, a late answer or a custom body. Each scripted answer is used
 * for one call, in order; then the method behaves normally again.
 */
import type { ServerResponse } from 'node:http';
import type { Scripted } from './fake-slack-types.js';
import { err } from './fake-slack-wire.js';

/** How the fake answers one HTTP request. */
export interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
  reset?: boolean;
}

export class Scripts {
  private readonly queues = new Map<string, Scripted[]>();

  add(method: string, responses: Scripted[]): void {
    const queue = this.queues.get(method) ?? [];
    queue.push(...responses);
    this.queues.set(method, queue);
  }

  clear(): void {
    this.queues.clear();
  }

  /**
   * The answer to this call of `method`: the next scripted one, or the normal answer. `args` are the call's
   * arguments (for `respond`); `normal` computes the normal answer body (it applies the call's effects).
   */
  outcome(method: string, args: Record<string, unknown>, normal: () => unknown): Outcome {
    const scripted = this.queues.get(method)?.shift();
    if (scripted === undefined) return { status: 200, body: normal() };
    if ('hang' in scripted) return { status: 0, body: undefined, hang: true };
    if ('reset' in scripted) return { status: 0, body: undefined, reset: true };
    if ('respond' in scripted) {
      try {
        return { status: 200, body: scripted.respond(args) };
      } catch (e) {
        return {
          status: 500,
          body: `scripted respond() threw: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    }
    if ('ok' in scripted) return { status: 200, body: err(scripted.error) };
    if ('status' in scripted && scripted.status === 429) {
      return {
        status: 429,
        body: err('ratelimited'),
        headers: { 'retry-after': String(scripted.retryAfter) },
      };
    }
    if ('status' in scripted) {
      return { status: scripted.status, body: `scripted HTTP ${scripted.status} from fake Slack` };
    }
    return { status: 200, body: normal(), delayMs: scripted.delayMs };
  }
}

/** Writes an outcome (late, for `delayMs`; the timer is kept in `timers` so that closing the fake can stop it). */
export function sendOutcome(res: ServerResponse, outcome: Outcome, timers: Set<NodeJS.Timeout>): void {
  const write = (): void => {
    if (res.destroyed) return;
    const isText = typeof outcome.body === 'string';
    res.writeHead(outcome.status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...outcome.headers,
    });
    res.end(isText ? (outcome.body as string) : JSON.stringify(outcome.body));
  };
  if (outcome.delayMs !== undefined && outcome.delayMs > 0) {
    const t = setTimeout(() => {
      timers.delete(t);
      write();
    }, outcome.delayMs);
    timers.add(t);
  } else {
    write();
  }
}
