/**
 * The fake Slack's record of Web API calls, and the waiting on it that tests do instead of sleeping.
 */
import type { SlackCall } from './fake-slack-types.js';
import { isObject, type Json } from './fake-slack-wire.js';

export class CallLog {
  /** Every Web API call, in arrival order (scripted failures included). */
  readonly calls: SlackCall[] = [];
  private readonly waiters = new Set<() => void>();

  /** Wakes the waiters: a call was recorded or its answer settled. */
  notify(): void {
    for (const w of [...this.waiters]) w();
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Resolves with all matching calls once at least `count` (default 1) have been recorded. Calls are recorded
   * (and their effects, e.g. a stored message, applied) when they arrive, before the HTTP answer is sent.
   * Rejects after `timeoutMs` (default 10 s) with the list of recorded calls.
   */
  waitFor(
    pred: (c: SlackCall) => boolean,
    opts: { timeoutMs?: number; count?: number } = {},
  ): Promise<SlackCall[]> {
    const count = opts.count ?? 1;
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const matching = (): SlackCall[] =>
      this.calls.filter((c) => {
        try {
          return pred(c);
        } catch {
          return false;
        }
      });
    return new Promise((resolve, reject) => {
      const now = matching();
      if (now.length >= count) {
        resolve(now);
        return;
      }
      const waiter = (): void => {
        const m = matching();
        if (m.length >= count) {
          cleanup();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const got = matching().length;
        reject(
          new Error(
            `FakeSlack.waitFor timed out after ${timeoutMs} ms: wanted ${count} matching call(s), got ${got}.\n` +
              `predicate: ${pred.toString().slice(0, 300)}\n${this.describeCalls()}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** A one-line-per-call summary of what was recorded (used in timeout errors). */
  describeCalls(limit = 40): string {
    if (this.calls.length === 0) return 'Recorded calls: none';
    const shown = this.calls.slice(-limit);
    const lines = shown.map((c, i) => {
      const r = c.response as Json | undefined;
      const result =
        c.status === 0 ? 'no answer' : isObject(r) ? (r.ok ? 'ok' : String(r.error)) : 'non-JSON';
      const where = typeof c.args.channel === 'string' ? ` channel=${c.args.channel}` : '';
      return `  ${this.calls.length - shown.length + i + 1}. ${c.method}${where} → ${c.status} ${result}`;
    });
    return `Recorded calls (${this.calls.length}):\n${lines.join('\n')}`;
  }
}
