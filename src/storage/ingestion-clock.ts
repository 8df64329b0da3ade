/**
 * Whether secsol itself could receive reports. Web processes beat every few seconds; after a gap (every
 * web process down, or Redis unreachable) the "up since" instant restarts, and the health rules do not
 * count the silence before it against any solution: they could not have reported to us.
 */
import type { StorageContext } from './context.js';

/** How often web processes beat. */
export const INGEST_BEAT_MS = 5_000;
/** A silence longer than this between beats means reports could not be received. */
export const INGEST_GAP_MS = 30_000;

export class IngestionClock {
  constructor(private readonly ctx: StorageContext) {}

  /** Records that reports can be received now; returns since when they could without a gap. */
  async beat(now: number): Promise<number> {
    return this.ctx.scripts.ingestBeat({ now, gapMs: INGEST_GAP_MS });
  }

  /**
   * Since when reports could be received. Undefined when no web process ever beat (a worker-only test or
   * bench): no grace. While no web process beats (reports cannot arrive right now), it is `now`: nobody is
   * judged stale for a silence we caused.
   */
  async upSince(now: number): Promise<number | undefined> {
    const { redis, keys } = this.ctx;
    const [beat, since] = await redis.mget(keys.ingestHeartbeat, keys.ingestUpSince);
    if (beat === null || since === null) return undefined;
    if (now - Number(beat) > INGEST_GAP_MS) return now;
    return Number(since);
  }
}
