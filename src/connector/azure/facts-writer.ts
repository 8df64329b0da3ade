/**
 * Facts the connector learns about a solution without a report or an event: Defender's last event time for
 * a CEF/ATA source, and whether Azure still lists it. Like every write that can change a judgement, it bumps
 * the solution's `rev` (the evaluator's compare-and-set guard) and makes it due now, and it never recreates a
 * solution deleted meanwhile. It is not configuration: the solution's `version` (what buttons carry) stays.
 *
 * Done as an optimistic transaction (WATCH the hash, check it exists, MULTI/EXEC) on the connector's own
 * connection: WATCH state belongs to a connection, so it must not share one with other callers.
 */
import type { Redis } from 'ioredis';
import type { StorageContext } from '../../storage/context.js';

const ATTEMPTS = 5;

export class FactsWriter {
  private readonly conn: Redis;

  constructor(private readonly ctx: StorageContext) {
    this.conn = ctx.redis.duplicate({ connectionName: 'secsol-azure-facts', enableAutoPipelining: false });
  }

  /** Sets `fields` on an existing solution; 'missing' when it is gone, 'busy' when it kept changing. */
  async update(id: string, fields: Record<string, string>, now: number): Promise<'ok' | 'missing' | 'busy'> {
    const { keys } = this.ctx;
    const key = keys.solution(id);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await this.conn.watch(key);
      const lifecycle = await this.conn.hget(key, 'lifecycle');
      if (lifecycle === null) {
        await this.conn.unwatch();
        return 'missing';
      }
      const tx = this.conn.multi().hset(key, fields).hincrby(key, 'rev', 1);
      if (lifecycle === 'connected') tx.zadd(keys.deadlines, now, id);
      // null: the hash changed between WATCH and EXEC (a report, an evaluation): read again and retry.
      if ((await tx.exec()) !== null) return 'ok';
    }
    return 'busy';
  }

  async close(): Promise<void> {
    await this.conn.quit().catch(() => this.conn.disconnect());
  }
}
