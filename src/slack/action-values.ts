/**
 * The values carried by buttons and menus. They are outside input (a click can be forged or stale), so
 * each is parsed with zod; `v` is the solution's version when the message was built, which lets a
 * handler refuse a click on a solution that changed or was deleted since.
 */
import { z } from 'zod';

const solutionId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const version = z.number().int().nonnegative();

export const ACTION = {
  view: 'solution_view',
  console: 'solution_console',
  configure: 'solution_configure',
  link: 'solution_link',
  delete: 'solution_delete',
  connect: 'discovered_connect',
  approve: 'enrollment_approve',
  deny: 'enrollment_deny',
  ack: 'incident_ack',
  snooze: 'incident_snooze',
  addSource: 'source_add',
  page: 'status_page',
} as const;

export const CALLBACK = {
  configure: 'solution_configure_modal',
  link: 'solution_link_modal',
} as const;

export const solutionRef = z.object({ s: solutionId }).strict();
export const versionedRef = z.object({ s: solutionId, v: version }).strict();
export const enrollmentRef = z
  .object({ e: z.string().regex(/^enr-[0-9a-f-]{36}$/), s: solutionId, v: version })
  .strict();
export const incidentRef = z.object({ s: solutionId, f: z.string().max(200), v: version }).strict();
export const snoozeRef = z.object({ s: solutionId, d: z.enum(['1h', '4h', '24h', 'recovered']) }).strict();
export const sourceRef = z.object({ k: z.string().regex(/^[a-z0-9-]{1,40}$/) }).strict();
export const pageRef = z.object({ p: z.number().int().min(0).max(10_000) }).strict();
/** private_metadata of the Configure and Link modals. */
export const modalRef = z
  .object({ s: solutionId, v: version, c: z.string().max(40).optional(), t: z.string().max(40).optional() })
  .strict();

/** Parses a JSON action value; null when it is not what this action carries (refuse, do nothing). */
export function parseValue<T extends z.ZodType>(schema: T, value: string | undefined): z.output<T> | null {
  if (value === undefined || value.length > 2000) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
