/**
 * The connector's own health, in Redis so that every process sees the same: any web process serves
 * /metrics and App Home, any worker may run the next poll.
 *
 * - Its clock: each successful read beats; after a gap (the connector could not read Azure), "up since"
 *   restarts, and the health rules do not hold the silence before it against the solutions read from
 *   Azure. This mirrors the ingestion clock (storage/ingestion-clock.ts) and reuses its beat script.
 * - Its status: last success, errors so far, since when it is failing and why. Whether it is failing is
 *   one field set and cleared atomically, so "failing" and "recovered" are each announced once, whichever
 *   worker notices.
 */
import { z } from 'zod';
import type { StorageContext } from '../../storage/context.js';

export const CONNECTOR = 'azure';

const statusSchema = z.object({
  errors: z.coerce.number().int().nonnegative().catch(0),
  lastSuccessAt: z.coerce.number().finite().optional().catch(undefined),
  lastErrorAt: z.coerce.number().finite().optional().catch(undefined),
  lastError: z.string().optional(),
  failingSince: z.coerce.number().finite().optional().catch(undefined),
});
export type ConnectorStatus = z.output<typeof statusSchema>;

export class ConnectorState {
  /**
   * @param gapMs a silence between successful reads longer than this restarts the clock; it is the
   *   "connector is failing" threshold for the health rules' grace.
   */
  constructor(
    private readonly ctx: StorageContext,
    private readonly gapMs: number,
    private readonly name = CONNECTOR,
  ) {}

  /** Since when the connector has read its source without a gap (see IngestionClock.upSince). */
  async upSince(now: number): Promise<number | undefined> {
    const { redis, keys } = this.ctx;
    const [beat, since] = await redis.mget(
      keys.connectorHeartbeat(this.name),
      keys.connectorUpSince(this.name),
    );
    if (beat === null || since === null) return undefined;
    if (now - Number(beat) > this.gapMs) return now;
    return Number(since);
  }

  async status(): Promise<ConnectorStatus> {
    return statusSchema.parse(await this.ctx.redis.hgetall(this.ctx.keys.connector(this.name)));
  }

  /** A complete, successful read. Returns since when it had been failing, when this ends a failure. */
  async recordSuccess(now: number): Promise<{ recoveredFrom?: number }> {
    const { redis, keys, scripts } = this.ctx;
    const key = keys.connector(this.name);
    await scripts.ingestBeat({
      now,
      gapMs: this.gapMs,
      starting: false,
      clock: { heartbeat: keys.connectorHeartbeat(this.name), upSince: keys.connectorUpSince(this.name) },
    });
    // One transaction: of two workers succeeding at once, only one reads the failure it clears.
    const replies = await redis
      .multi()
      .hget(key, 'failingSince')
      .hdel(key, 'failingSince', 'lastError')
      .hset(key, 'lastSuccessAt', String(now))
      .exec();
    const since = replies?.[0]?.[1];
    return typeof since === 'string' ? { recoveredFrom: Number(since) } : {};
  }

  /** A failed read. Returns whether this starts a failure (the first failed read since the last success). */
  async recordFailure(now: number, error: string): Promise<{ started: boolean }> {
    const key = this.ctx.keys.connector(this.name);
    const replies = (await this.ctx.redis
      .multi()
      .hincrby(key, 'errors', 1)
      .hset(key, 'lastErrorAt', String(now), 'lastError', error)
      .hsetnx(key, 'failingSince', String(now))
      .exec()) as [unknown, unknown][] | null;
    return { started: replies?.[2]?.[1] === 1 };
  }
}
