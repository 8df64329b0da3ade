/**
 * Evaluation must survive the host clock stepping (an NTP correction, a VM resumed from a snapshot). The
 * tick is a BullMQ job scheduler that stores its next run as a wall-clock instant: after the clock steps
 * back by an hour, the next tick is an hour away and evaluation silently stops. The watchdog measures on
 * the monotonic clock whether any worker's tick moved the shared heartbeat; when none did for a few tick
 * intervals, it schedules the ticks again from the current time.
 */
import { performance } from 'node:perf_hooks';
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

export function startTickWatchdog(deps: TickWatchdogDeps): TickWatchdog {
  const patienceMs = Math.max(3 * deps.tickEveryMs, 2000);
  let seen: string | null = null;
  let seenAt = performance.now();
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const beat = await deps.ctx.redis.get(deps.ctx.keys.heartbeat);
      const at = performance.now();
      if (beat !== seen) {
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
      // Redis is unreachable: the outage log says so; ticks cannot run anyway.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(check, Math.max(250, Math.min(deps.tickEveryMs, 1000)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
