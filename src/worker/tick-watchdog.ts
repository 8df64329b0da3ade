/**
 * Evaluation must survive the host clock stepping (an NTP correction, a VM resumed from a snapshot). The
 * tick is a BullMQ job scheduler that stores its next run as a wall-clock instant: after the clock steps
 * back by an hour, the next tick is an hour away and evaluation silently stops. The watchdog measures on
 * the monotonic clock whether any worker's tick moved the shared heartbeat; when none did for a few tick
 * intervals, it schedules the ticks again from the current time.
 */
import type { Logger } from '../logger.js';
import type { StorageContext } from '../storage/context.js';

export interface TickWatchdogDeps {
  ctx: StorageContext;
  tickEveryMs: number;
  /** Removes the tick scheduler and creates it again, so that its next run counts from now. */
  reschedule: () => Promise<void>;
  logger: Logger;
}

export interface TickWatchdog {
  stop(): void;
}

/** An answer slower than this waited for a reconnect. */
const PROMPT_MS = 1000;

export function startTickWatchdog(deps: TickWatchdogDeps): TickWatchdog {
  const patienceMs = Math.max(3 * deps.tickEveryMs, 2000);
  let seen: string | null = null;
  let seenAt = performance.now();
  let busy = false;
  // Ticks cannot run while Redis is unreachable, and that is the outage log's to report: patience counts
  // from the first prompt answer after an outage (the worker's connection queues commands while it
  // reconnects, so a read can also just wait the outage out), so that an outage is not called a clock step.
  let unreachable = false;
  const check = async () => {
    if (busy) return;
    if (deps.ctx.redis.status !== 'ready') {
      unreachable = true;
      return;
    }
    busy = true;
    try {
      const asked = performance.now();
      const beat = await deps.ctx.redis.get(deps.ctx.keys.heartbeat);
      const at = performance.now();
      if (at - asked > PROMPT_MS) unreachable = true;
      if (beat !== seen || unreachable) {
        unreachable = false;
        seen = beat;
        seenAt = at;
        return;
      }
      if (at - seenAt < patienceMs) return;
      deps.logger.warn(
        { stalledMs: Math.round(at - seenAt) },
        'evaluation ticks stopped (did the clock step?); scheduling them again from now',
      );
      await deps.reschedule();
      seenAt = at;
    } catch {
      unreachable = true;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(check, Math.max(250, Math.min(deps.tickEveryMs, 1000)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
