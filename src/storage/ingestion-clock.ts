/**
 * Whether secsol itself could receive reports. Web processes beat regularly; after a gap (every web
 * process down, or Redis unreachable) the "up since" instant restarts, and the health rules do not count
 * the silence before it against any solution: they could not have reported to us. A web process that
 * starts also restarts it: whatever silence came before its start, reports can arrive from now.
 *
 * The beat and the gap are sized to the cadences in use: with solutions expected every 2 s, a 6 s outage
 * is a gap (with the former fixed 30 s it was not, and every solution was flagged when secsol came back).
 */
import type { StorageContext } from './context.js';

export interface IngestionTiming {
  /** How often web processes beat. */
  beatMs: number;
  /** A silence longer than this between beats means reports could not be received. */
  gapMs: number;
}

/** The longest beat interval and gap, for cadences of an hour and more. */
export const INGEST_BEAT_MS = 5_000;
export const INGEST_GAP_MS = 30_000;

/**
 * Beat at least three times per shortest cadence (expected interval + grace), and call a silence of one
 * shortest cadence a gap; never beat more than every 250 ms, and a gap is always at least two beats.
 */
export function ingestionTiming(shortestCadenceMs: number): IngestionTiming {
  const beatMs = Math.max(250, Math.min(INGEST_BEAT_MS, Math.floor(shortestCadenceMs / 3)));
  const gapMs = Math.max(2 * beatMs, Math.min(INGEST_GAP_MS, shortestCadenceMs));
  return { beatMs, gapMs };
}

export class IngestionClock {
  constructor(
    private readonly ctx: StorageContext,
    readonly timing: IngestionTiming = { beatMs: INGEST_BEAT_MS, gapMs: INGEST_GAP_MS },
  ) {}

  /**
   * Records that reports can be received now; returns since when they could without a gap. `starting`:
   * this web process has just started, so the silence before now was not the solutions' doing.
   */
  async beat(now: number, opts: { starting?: boolean } = {}): Promise<number> {
    return this.ctx.scripts.ingestBeat({ now, gapMs: this.timing.gapMs, starting: opts.starting ?? false });
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
    if (now - Number(beat) > this.timing.gapMs) return now;
    return Number(since);
  }
}
