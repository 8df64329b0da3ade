/**
 * The audit trail: who did what, when, to which solution. Append-only and capped, kept as Redis streams
 * (one for everything, one per solution) so that a reader pages back through it with a stable cursor
 * (the entry id) while new entries keep arriving.
 */
import { z } from 'zod';
import type { StorageContext } from './context.js';

export const AUDIT_CAP = 10_000;
export const SOLUTION_AUDIT_CAP = 200;
/** A filtered page reads at most this many entries, so a rare actor cannot make one request scan it all. */
const SCAN_LIMIT = 2_000;

export const auditEntrySchema = z.object({
  at: z.number(),
  /** `slack:<user id>`, `admin-api`, `enrollment-api`, `worker`. */
  actor: z.string(),
  action: z.string(),
  solutionId: z.string().optional(),
  /** What happened: 'applied', 'refused', … */
  outcome: z.string(),
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditPage {
  entries: (AuditEntry & { id: string })[];
  /** Pass back as `cursor` for older entries; null at the end of the trail. */
  nextCursor: string | null;
}

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
export const isAuditCursor = (c: string) => STREAM_ID.test(c);

export class AuditRepository {
  constructor(private readonly ctx: StorageContext) {}

  async record(entry: AuditEntry): Promise<void> {
    const { redis, keys } = this.ctx;
    const json = JSON.stringify(entry);
    const tx = redis.multi().xadd(keys.audit, 'MAXLEN', '~', AUDIT_CAP, '*', 'entry', json);
    if (entry.solutionId) {
      tx.xadd(keys.solutionAudit(entry.solutionId), 'MAXLEN', '~', SOLUTION_AUDIT_CAP, '*', 'entry', json);
    }
    await tx.exec();
  }

  /** The newest entries, newest first. */
  async recent(solutionId?: string, limit = 50): Promise<AuditEntry[]> {
    const { entries } = await this.page({ solutionId, limit });
    return entries.map(({ id: _id, ...entry }) => entry);
  }

  /** Newest first, `limit` entries older than `cursor`, optionally one solution's and one actor's only. */
  async page(opts: {
    solutionId?: string;
    actor?: string;
    cursor?: string;
    limit: number;
  }): Promise<AuditPage> {
    const { redis, keys } = this.ctx;
    const key = opts.solutionId ? keys.solutionAudit(opts.solutionId) : keys.audit;
    const entries: AuditPage['entries'] = [];
    let from = opts.cursor ? `(${opts.cursor}` : '+';
    let scanned = 0;
    let last: string | null = null;
    while (entries.length < opts.limit && scanned < SCAN_LIMIT) {
      const batch = Math.min(Math.max(opts.limit * 2, 50), SCAN_LIMIT - scanned);
      const rows = (await redis.xrevrange(key, from, '-', 'COUNT', batch)) as [string, string[]][];
      for (const [i, [id, fields]] of rows.entries()) {
        scanned++;
        last = id;
        const entry = parseEntry(fields);
        if (!entry || (opts.actor !== undefined && entry.actor !== opts.actor)) continue;
        entries.push({ id, ...entry });
        if (entries.length === opts.limit) {
          // Full: a cursor only when the trail goes on past this entry.
          const more = i < rows.length - 1 || rows.length === batch;
          return { entries, nextCursor: more ? id : null };
        }
      }
      if (rows.length < batch) return { entries, nextCursor: null };
      from = `(${last}`;
    }
    return { entries, nextCursor: last };
  }
}

/** Records read back from Redis are outside input: a malformed one is skipped, never shown half-parsed. */
function parseEntry(fields: string[]): AuditEntry | null {
  const at = fields.indexOf('entry');
  if (at < 0 || at % 2 !== 0) return null;
  try {
    const parsed = auditEntrySchema.safeParse(JSON.parse(fields[at + 1] ?? ''));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
