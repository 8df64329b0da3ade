/**
 * What the connector reads from Azure, validated like any outside input. Only the fields secsol uses are
 * kept; an item without an id or name is refused (and counted), never half-used.
 *
 * Two shapes are accepted for the same item: the wire format, where an item's fields sit under
 * `properties` (the published example responses), and the SDK's deserialized models, which flatten them
 * into the item (security solutions, discovered solutions, alerts) and turn date-times into `Date`s.
 * External solutions keep `properties` in both.
 */
import { z } from 'zod';

/** Moves `properties.*` up into the item, for the types the SDK flattens. */
function hoistProperties(item: unknown): unknown {
  if (item === null || typeof item !== 'object') return item;
  const { properties, ...rest } = item as Record<string, unknown>;
  return properties !== null && typeof properties === 'object' ? { ...properties, ...rest } : rest;
}

const text = z.string().min(1);
const optText = z.string().optional().catch(undefined);
/** An instant as a string (wire) or a Date (SDK), in ms; unreadable values are dropped. */
const instant = z
  .union([z.string(), z.date()])
  .optional()
  .catch(undefined)
  .transform((v) => {
    if (v === undefined) return undefined;
    const ms = v instanceof Date ? v.getTime() : Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  });

/** `SecuritySolutions_List`: the connected solutions. */
export const securitySolutionSchema = z.preprocess(
  hoistProperties,
  z.object({
    id: text,
    name: text,
    location: optText,
    securityFamily: optText,
    protectionStatus: optText,
    provisioningState: optText,
    template: optText,
  }),
);
export type ArmSecuritySolution = z.output<typeof securitySolutionSchema>;

/** `DiscoveredSecuritySolutions_List`: running, not connected. */
export const discoveredSolutionSchema = z.preprocess(
  hoistProperties,
  z.object({
    id: text,
    name: text,
    location: optText,
    securityFamily: optText,
    offer: optText,
    publisher: optText,
    sku: optText,
  }),
);
export type ArmDiscoveredSolution = z.output<typeof discoveredSolutionSchema>;

/** `ExternalSecuritySolutions_List`: polymorphic on `kind` (AAD, CEF, ATA); `properties` stays nested. */
export const externalSolutionSchema = z.object({
  id: text,
  name: text,
  kind: optText,
  location: optText,
  properties: z
    .object({
      connectivityState: optText,
      deviceVendor: optText,
      deviceType: optText,
      hostname: optText,
      lastEventReceived: instant,
      workspace: z.object({ id: optText }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});
export type ArmExternalSolution = z.output<typeof externalSolutionSchema>;

/** `Alerts_List`: Defender for Cloud's security alerts. */
export const alertSchema = z.preprocess(
  hoistProperties,
  z.object({
    id: text,
    name: text,
    alertType: optText,
    alertDisplayName: optText,
    description: optText,
    severity: optText,
    status: optText,
    intent: optText,
    vendorName: optText,
    productName: optText,
    compromisedEntity: optText,
    alertUri: optText,
    startTimeUtc: instant,
    timeGeneratedUtc: instant,
    remediationSteps: z.array(z.string()).optional().catch(undefined),
    resourceIdentifiers: z
      .array(z.object({ type: optText, azureResourceId: optText }).catch({}))
      .optional()
      .catch(undefined),
  }),
);
export type ArmAlert = z.output<typeof alertSchema>;

/** The four lists as read, each followed to its last page. */
export interface DefenderLists {
  securitySolutions: unknown[];
  discoveredSolutions: unknown[];
  externalSolutions: unknown[];
  alerts: unknown[];
}

/** Parses each item on its own: the valid ones, and how many were refused. */
export function parseItems<T>(schema: z.ZodType<T>, items: unknown[]): { ok: T[]; refused: number } {
  const ok: T[] = [];
  let refused = 0;
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) ok.push(parsed.data);
    else refused += 1;
  }
  return { ok, refused };
}
