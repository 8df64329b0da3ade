/** Fixed-window request counting in Redis, shared by every web process. Keys expire with their window. */
import { AppError } from '../errors.js';
import type { StorageContext } from '../storage/context.js';

export class RateLimiter {
  constructor(
    private readonly ctx: StorageContext,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `subject`; throws 429 with Retry-After once `limit` is passed in this window. */
  async hit(subject: string, limit: number, now: number, message = 'too many requests'): Promise<void> {
    const window = Math.floor(now / this.windowMs);
    const { count, pttlMs } = await this.ctx.scripts.rateHit({ subject, window, windowMs: this.windowMs });
    if (count > limit) {
      throw new AppError('secsol_rate_limited', message, {
        retryAfterSec: Math.max(1, Math.ceil(pttlMs / 1000)),
      });
    }
  }
}
