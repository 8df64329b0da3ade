/**
 * The registry of delivery kinds: everything secsol writes to Slack is an item of one of these kinds.
 * For each: where its hash lives, which outbox it waits in, how long it is kept, and the zod schema its
 * stored hash is parsed with (a hash read back from Redis is outside input). What delivers each kind is
 * `handlers/index.ts`, typed against this list so that a kind without a handler does not compile.
 *
 * Item ids keep readable prefixes (`flip-`, `evb-`…) but nothing reads a kind from them: the deliver job
 * carries its kind, and the outbox each kind waits in says it for a lost job.
 */
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import type { ItemAddress } from '../storage/delivery-repository.js';
import { enrollmentSchema } from '../storage/enrollment-repository.js';
import { DELIVERY_STATES, FLIP_TTL_MS, flipRecordSchema } from '../storage/flip-repository.js';
import type { Keys } from '../storage/keys.js';
import { batchRefsSchema, securityEventSchema } from '../storage/report-repository.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** What every item's hash holds besides its own fields. */
const base = {
  id: z.string(),
  channel: z.string().min(1),
  delivery: z.enum(DELIVERY_STATES),
};
const optNum = z.coerce.number().optional();

export const digestSchema = z.object({
  ...base,
  createdAt: z.coerce.number(),
  seq: z.coerce.number().default(0),
  renderedSeq: optNum,
  lastRenderAt: optNum,
  ts: z.string().optional(),
});

/** A hash field holding JSON of the given shape. */
const jsonField = <T extends z.ZodType>(shape: T) =>
  z.string().transform((s, ctx) => {
    try {
      return shape.parse(JSON.parse(s)) as z.output<T>;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not the expected JSON' });
      return z.NEVER;
    }
  });

/**
 * A burst of events: it names them (id, sequence number in the solution's stored events) and the handler
 * renders them from the stored list, so the solution's byte budget bounds them. Batches written before
 * that carried copies (`events`), still read while they wait (7 days at most).
 */
export const eventBatchSchema = z
  .object({
    ...base,
    solutionId: z.string(),
    eventRefs: jsonField(batchRefsSchema).optional(),
    events: jsonField(z.array(securityEventSchema)).optional(),
  })
  .refine((b) => b.eventRefs !== undefined || b.events !== undefined, 'names no events');

/** The approval request is the enrollment's own hash, with the delivery fields added. */
export const approvalSchema = enrollmentSchema.extend(base);

export const approvalEditSchema = z.object({ ...base, enrollmentId: z.string() });

export const incidentEditSchema = z.object({ ...base, solutionId: z.string(), incidentFlip: z.string() });

export const opsNoticeSchema = z.object({ ...base, text: z.string().default('secsol notice') });

/** A note in an open incident's thread: who snoozed its alerts or lifted the snooze. */
export const incidentNoteSchema = z.object({
  ...base,
  solutionId: z.string(),
  threadTs: z.string().min(1),
  event: z.enum(['snooze', 'unsnooze']),
  /** Who: a Slack user id, possibly stored as 'slack:U…'. */
  user: z.string().min(1),
  /** Snoozed until (ms); absent: until it recovers. */
  until: z.coerce.number().optional(),
});

export const reminderSchema = z.object({
  ...base,
  solutionId: z.string(),
  incidentFlip: z.string(),
  threadTs: z.string().min(1),
});

/** An escalation of an incident nobody acknowledged (docs/contract.md §10.2); `channel` is where it goes. */
export const escalationSchema = z.object({
  ...base,
  solutionId: z.string(),
  incidentFlip: z.string(),
  /** The incident's message, linked from the escalation. */
  incidentChannel: z.string(),
  incidentTs: z.string().min(1),
  /** Set when it goes into the incident's thread (no escalation channel configured). */
  threadTs: z.string().optional(),
  usergroup: z.string().optional(),
  afterMs: z.coerce.number(),
});

/** The one alert a solution held by a maintenance window gets at its end, when still bad (§10.1). */
export const maintenanceReleaseSchema = z.object({
  ...base,
  solutionId: z.string(),
  windowId: z.string(),
  reason: z.string().default(''),
});

interface KindSpec {
  key: (keys: Keys, id: string) => string;
  /** The sorted set its items wait in until delivered. */
  outbox: (keys: Keys) => string;
  /** Also queued per channel: the digest counts these when many wait for one channel. */
  backlog: boolean;
  ttlMs: number;
  /** Kept this long once sent, when nothing reads a sent item again (a solution can make many). */
  keepSentMs?: number;
  schema: z.ZodType;
  /**
   * Requests people answer at their own pace (approvals): in a channel they share with alerts they give
   * way to any alert waiting for it (outbox/deliverer.ts), so a flood of them never delays an alert.
   */
  yieldsToAlerts?: true;
}

const own = (kind: string) => (keys: Keys) => keys.kindOutbox(kind);

export const KINDS = {
  /** A state change: opens, escalates, reopens or resolves an incident (written by the evaluator's commit). */
  flip: {
    key: (k, id) => k.flip(id),
    outbox: (k) => k.outbox,
    backlog: true,
    ttlMs: FLIP_TTL_MS,
    schema: flipRecordSchema,
  },
  /** One message standing for many flips of one channel (created when flips join it). */
  digest: {
    key: (k, id) => k.digest(id),
    outbox: own('digest'),
    backlog: false,
    ttlMs: 30 * DAY,
    schema: digestSchema,
  },
  'event-batch': {
    key: (k, id) => k.eventBatch(id),
    outbox: own('event-batch'),
    backlog: false,
    ttlMs: 7 * DAY,
    keepSentMs: HOUR,
    schema: eventBatchSchema,
  },
  approval: {
    key: (k, id) => k.enrollment(id),
    outbox: own('approval'),
    backlog: false,
    ttlMs: 365 * DAY,
    schema: approvalSchema,
    yieldsToAlerts: true,
  },
  /** Shows a decision in the approval request message. */
  'approval-edit': {
    key: (k, id) => k.messageEdit(id),
    outbox: own('approval-edit'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: approvalEditSchema,
    yieldsToAlerts: true,
  },
  /** Re-renders an open incident's message from its current state (acknowledge, snooze…). */
  'incident-edit': {
    key: (k, id) => k.messageEdit(id),
    outbox: own('incident-edit'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: incidentEditSchema,
  },
  ops: {
    key: (k, id) => k.opsNotice(id),
    outbox: own('ops'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: opsNoticeSchema,
  },
  /** Who snoozed an incident's alerts, or lifted the snooze, said in its thread for everyone to see. */
  'incident-note': {
    key: (k, id) => k.incidentNote(id),
    outbox: own('incident-note'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: incidentNoteSchema,
  },
  reminder: {
    key: (k, id) => k.reminder(id),
    outbox: own('reminder'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: reminderSchema,
  },
  escalation: {
    key: (k, id) => k.escalation(id),
    outbox: own('escalation'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: escalationSchema,
  },
  'maintenance-release': {
    key: (k, id) => k.maintenanceRelease(id),
    outbox: own('maintenance-release'),
    backlog: false,
    ttlMs: 7 * DAY,
    schema: maintenanceReleaseSchema,
  },
} as const satisfies Record<string, KindSpec>;

export type Kind = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as [Kind, ...Kind[]];
export type ItemOf<K extends Kind> = z.output<(typeof KINDS)[K]['schema']>;

/** An item named by its kind and id: the deliver job's payload. */
export interface ItemRef<K extends Kind = Kind> {
  kind: K;
  itemId: string;
}

/** Ids become BullMQ job ids: no ':' and bounded. */
export const itemIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,250}$/, 'not a delivery item id');
export const deliverJobSchema = z.object({ kind: z.enum(KIND_NAMES), itemId: itemIdSchema }).strict();

/** Job data read back from Redis is outside input: a job that can never be valid fails for good. */
export function parseDeliverJob(data: unknown): ItemRef {
  const parsed = deliverJobSchema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`invalid deliver job: ${parsed.error.message}`);
  return parsed.data;
}

export function addressOf(keys: Keys, ref: ItemRef): ItemAddress {
  const spec: KindSpec = KINDS[ref.kind];
  return {
    id: ref.itemId,
    kind: ref.kind,
    key: spec.key(keys, ref.itemId),
    outbox: spec.outbox(keys),
    backlog: spec.backlog,
    ...(spec.keepSentMs !== undefined ? { keepSentMs: spec.keepSentMs } : {}),
  };
}

/** Whether the kind's items give way to alerts in their channel's pacing (KindSpec.yieldsToAlerts). */
export function yieldsToAlerts(kind: Kind): boolean {
  const spec: KindSpec = KINDS[kind];
  return spec.yieldsToAlerts === true;
}

/** The stored hash as its kind's schema reads it; a corrupt item can never be delivered. */
export function parseItem<K extends Kind>(kind: K, hash: Record<string, string>): ItemOf<K> {
  const parsed = KINDS[kind].schema.safeParse(hash);
  if (!parsed.success) throw new UnrecoverableError(`${kind} item ${hash.id ?? '?'} is corrupt`);
  return parsed.data as ItemOf<K>;
}
