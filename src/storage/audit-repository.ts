/** The audit trail: who did what, when, to which solution. Append-only and capped. */
import { z } from 'zod';
import type { StorageContext } from './context.js';

export const AUDIT_CAP = 10_000;
export const SOLUTION_AUDIT_CAP = 200;

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

export class AuditRepository {
  constructor(private readonly ctx: StorageContext) {}

  async record(entry: AuditEntry): Promise<void> {
    const { redis, keys } = this.ctx;
    const json = JSON.stringify(entry);
    const tx = redis
      .multi()
      .lpush(keys.audit, json)
      .ltrim(keys.audit, 0, AUDIT_CAP - 1);
    if (entry.solutionId) {
      tx.lpush(keys.solutionAudit(entry.solutionId), json).ltrim(
        keys.solutionAudit(entry.solutionId),
        0,
        SOLUTION_AUDIT_CAP - 1,
      );
    }
    await tx.exec();
  }

  async recent(solutionId?: string, limit = 50): Promise<AuditEntry[]> {
    const { redis, keys } = this.ctx;
    const raw = await redis.lrange(solutionId ? keys.solutionAudit(solutionId) : keys.audit, 0, limit - 1);
    return raw.flatMap((r) => {
      try {
        const parsed = auditEntrySchema.safeParse(JSON.parse(r));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    });
  }
}
