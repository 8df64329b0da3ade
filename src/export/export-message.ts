/**
 * What continuous export sends (pure). The commit scripts append an entry per flip and per security event
 * to the solution's export list (storage/scripts.ts, `commitEvaluation` and `ingestEvents`); this module
 * reads such an entry back (validated: it is data from Redis) and renders the JSON body a SIEM receives:
 *
 *   { "type": "flip" | "event", "id", "at", "solution": { "id", "name", "vendor", "family", "source" },
 *     "data": { … } }
 *
 * `id` is the message id, also sent as the `webhook-id` header: stable across retries, so receivers can
 * de-duplicate. The body is rendered from the stored entry alone, so every retry sends the same bytes.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FAMILIES, HEALTH_STATES } from '../domain/model.js';
import { securityEventSchema } from '../storage/report-repository.js';

export const EXPORT_MESSAGE_ID = /^msg_[0-9a-f]{32}$/;
const messageId = z.string().regex(EXPORT_MESSAGE_ID, 'not an export message id');
const millis = z.coerce.number().int().nonnegative();

const common = {
  id: messageId,
  solutionId: z.string().min(1),
  name: z.string(),
  vendor: z.string(),
  family: z.enum(FAMILIES),
  source: z.enum(['push', 'azure']),
  /** When the entry was appended (or re-driven): the retry period counts from here. */
  queuedAt: millis,
};

export const exportEntrySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('flip'),
    ...common,
    flipId: z.string().min(1),
    at: millis,
    from: z.enum(HEALTH_STATES),
    to: z.enum(HEALTH_STATES),
    reason: z.string(),
  }),
  z.object({
    type: z.literal('event'),
    ...common,
    /** The stored event, as JSON text (copied: the solution's own event list is capped). */
    event: z.string().transform((text, ctx) => {
      const parsed = securityEventSchema.safeParse(safeJson(text));
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: 'event is not a stored security event' });
        return z.NEVER;
      }
      return parsed.data;
    }),
  }),
]);
export type ExportEntry = z.output<typeof exportEntrySchema>;

/**
 * The message id the commit scripts derive (in Lua, with the same formula): the flip id or event id, the
 * solution id and the solution's creation time, so that a solution deleted and created again under the
 * same id never reuses a message id.
 */
export function exportMessageId(
  type: 'flip' | 'event',
  solutionId: string,
  solutionCreatedAt: number,
  sourceId: string,
): string {
  const digest = createHash('sha1')
    .update(`${type}\n${solutionId}\n${solutionCreatedAt}\n${sourceId}`)
    .digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}

/** Reads a raw list element. An invalid one is reported (and then failed, never dropped silently). */
export function parseExportEntry(raw: string): { entry: ExportEntry } | { error: string; id?: string } {
  const json = safeJson(raw);
  const parsed = exportEntrySchema.safeParse(json);
  if (parsed.success) return { entry: parsed.data };
  const id = (json as { id?: unknown } | undefined)?.id;
  return {
    error: `invalid export entry: ${parsed.error.issues[0]?.message ?? 'unreadable'}`,
    id: typeof id === 'string' && EXPORT_MESSAGE_ID.test(id) ? id : undefined,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON body sent for an entry, with a fixed key order. */
export function exportBody(entry: ExportEntry): string {
  const solution = {
    id: entry.solutionId,
    name: entry.name,
    vendor: entry.vendor,
    family: entry.family,
    source: entry.source,
  };
  if (entry.type === 'flip') {
    return JSON.stringify({
      type: 'flip',
      id: entry.id,
      at: iso(entry.at),
      solution,
      data: { flipId: entry.flipId, from: entry.from, to: entry.to, reason: entry.reason },
    });
  }
  const e = entry.event;
  return JSON.stringify({
    type: 'event',
    id: entry.id,
    at: iso(e.observedAt),
    solution,
    data: {
      id: e.id,
      severity: e.severity,
      title: e.title,
      description: e.description,
      resource: e.resource,
      observedAt: iso(e.observedAt),
      receivedAt: iso(e.receivedAt),
      properties: e.properties,
    },
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
