/**
 * Defender for Cloud's lists mapped onto secsol's model (docs/contract.md, the connector): pure functions of
 * what was read, tested on Azure's published example responses.
 *
 * - Security solutions are connected; each poll files a health report: Succeeded + Good is healthy,
 *   Failed or any other protection status is unhealthy (the message names the Azure fields), Updating
 *   files nothing (Not reported while it deploys).
 * - Discovered solutions, and Azure AD Identity Protection found (AAD, Discovered), are discovered.
 * - CEF and ATA external solutions are connected without health data: Defender's `lastEventReceived` is
 *   their last event, judged by the 14-day rule.
 * - Alerts are security events, id = the alert's resource name (a poll never repeats one).
 */
import type { Family, ReportStatus, Severity } from '../../domain/model.js';
import type { IncomingEvent } from '../../services/ingest-service.js';
import {
  type ArmAlert,
  type ArmDiscoveredSolution,
  type ArmExternalSolution,
  type ArmSecuritySolution,
  alertSchema,
  type DefenderLists,
  discoveredSolutionSchema,
  externalSolutionSchema,
  parseItems,
  securitySolutionSchema,
} from './azure-schemas.js';

export interface AzureHealth {
  status: ReportStatus;
  message: string;
  details: Record<string, unknown>;
}

/** One solution as Defender for Cloud describes it, in secsol's terms. */
export interface AzureSolutionSpec {
  /** The Azure Resource Manager id, as Azure spells it. */
  azureId: string;
  /** The ARM resource name: secsol's id is a slug of it. */
  resourceName: string;
  name: string;
  vendor: string;
  family: Family;
  description: string;
  /** The resource in the Azure portal (Solution console). */
  consoleUrl: string;
  lifecycle: 'connected' | 'discovered';
  /** Reports health every poll, so its cadence is the poll interval. */
  reportsHealth: boolean;
  /** The report to file at this poll; null when there is none (still deploying, or never has health). */
  health: AzureHealth | null;
  /** Defender's last event time for it (CEF, ATA). */
  lastEventAt: number | null;
}

export interface AzureAlertSpec {
  vendorName: string | null;
  event: IncomingEvent & { id: string; observedAt?: number };
}

export interface AzureSnapshot {
  solutions: AzureSolutionSpec[];
  alerts: AzureAlertSpec[];
  /** Lower-cased ARM ids of every valid item listed (mapped or not): what Azure still lists. */
  listed: Set<string>;
  /** Items refused as invalid. While any were, "no longer listed" cannot be told apart from "unreadable". */
  refused: number;
}

export interface MappingContext {
  subscriptionId: string;
  tenantId: string;
  /** The Azure portal for this cloud. */
  portalUrl: string;
}

export const DEFENDER_NAME = 'Microsoft Defender for Cloud';
export const DEFENDER_VENDOR = 'Microsoft';

/** The Azure portal (public cloud: the only one whose token audience the connector asks for). */
export const AZURE_PORTAL = 'https://portal.azure.com';

export function portalLink(ctx: MappingContext, azureId: string): string {
  return `${ctx.portalUrl}/#@${encodeURIComponent(ctx.tenantId)}/resource${azureId}`;
}

const FAMILY: Record<string, Family> = { waf: 'waf', saaswaf: 'waf', ngfw: 'ngfw', va: 'va' };

function family(securityFamily: string | undefined): Family {
  return FAMILY[(securityFamily ?? '').toLowerCase()] ?? 'other';
}

/** `microsoft/ApplicationGateway-ARM` or `qualys.qualysAgent` -> `Microsoft`, `Qualys`. */
export function vendorOfTemplate(template: string | undefined): string {
  const publisher = (template ?? '').split(/[/.]/)[0]?.trim() ?? '';
  return publisher ? publisher.charAt(0).toUpperCase() + publisher.slice(1) : 'Unknown';
}

const lower = (v: string | undefined) => (v ?? '').toLowerCase();
const describe = (parts: (string | undefined | false)[]) => parts.filter(Boolean).join(' · ');

export function securitySolutionHealth(s: ArmSecuritySolution): AzureHealth | null {
  const provisioning = s.provisioningState ?? '(none)';
  const protection = s.protectionStatus ?? '(none)';
  if (lower(s.provisioningState) === 'updating') return null;
  const details = {
    provisioningState: s.provisioningState ?? null,
    protectionStatus: s.protectionStatus ?? null,
    securityFamily: s.securityFamily ?? null,
    template: s.template ?? null,
  };
  const fields = `provisioningState ${provisioning}, protectionStatus ${protection}`;
  if (lower(s.provisioningState) === 'succeeded' && lower(s.protectionStatus) === 'good') {
    return { status: 'healthy', message: `Defender for Cloud: ${fields}`, details };
  }
  return { status: 'unhealthy', message: `Defender for Cloud reports ${fields}`, details };
}

function fromSecuritySolution(s: ArmSecuritySolution, ctx: MappingContext): AzureSolutionSpec {
  return {
    azureId: s.id,
    resourceName: s.name,
    name: s.name,
    vendor: vendorOfTemplate(s.template),
    family: family(s.securityFamily),
    description: describe([
      'Defender for Cloud security solution',
      s.template && `template ${s.template}`,
      s.location && `location ${s.location}`,
    ]),
    consoleUrl: portalLink(ctx, s.id),
    lifecycle: 'connected',
    reportsHealth: true,
    health: securitySolutionHealth(s),
    lastEventAt: null,
  };
}

function fromDiscovered(s: ArmDiscoveredSolution, ctx: MappingContext): AzureSolutionSpec {
  return {
    azureId: s.id,
    resourceName: s.name,
    name: s.name,
    vendor: s.publisher ?? 'Unknown',
    family: family(s.securityFamily),
    description: describe([
      'Found by Defender for Cloud, not connected',
      s.offer && `offer ${s.offer}`,
      s.sku && `sku ${s.sku}`,
      s.location && `location ${s.location}`,
    ]),
    consoleUrl: portalLink(ctx, s.id),
    lifecycle: 'discovered',
    reportsHealth: false,
    health: null,
    lastEventAt: null,
  };
}

/** AAD (Discovered) -> discovered; CEF and ATA -> connected with their last event; anything else: not mapped. */
function fromExternal(s: ArmExternalSolution, ctx: MappingContext): AzureSolutionSpec | null {
  const p: NonNullable<ArmExternalSolution['properties']> = s.properties ?? { lastEventReceived: undefined };
  const kind = lower(s.kind);
  const workspace = p.workspace?.id?.split('/').pop();
  const base = { azureId: s.id, resourceName: s.name, consoleUrl: portalLink(ctx, s.id), health: null };
  if (kind === 'aad') {
    if (lower(p.connectivityState) !== 'discovered') return null;
    return {
      ...base,
      name: `Azure AD Identity Protection (${workspace ?? s.name})`,
      vendor: p.deviceVendor ?? DEFENDER_VENDOR,
      family: 'identity',
      description: describe([
        'Found by Defender for Cloud, not connected',
        p.deviceType,
        workspace && `workspace ${workspace}`,
      ]),
      lifecycle: 'discovered',
      reportsHealth: false,
      lastEventAt: null,
    };
  }
  if (kind !== 'cef' && kind !== 'ata') return null;
  const vendor = p.deviceVendor ?? (kind === 'ata' ? DEFENDER_VENDOR : 'Unknown');
  const device = p.deviceType ?? (kind === 'ata' ? 'Advanced Threat Analytics' : 'CEF source');
  const type = lower(p.deviceType);
  return {
    ...base,
    name: `${vendor} ${device} (${p.hostname ?? s.name})`,
    vendor,
    family:
      kind === 'ata'
        ? 'identity'
        : type.includes('waf')
          ? 'waf'
          : type.includes('firewall')
            ? 'ngfw'
            : 'other',
    description: describe([
      `${kind.toUpperCase()} source connected to Defender for Cloud`,
      p.hostname && `host ${p.hostname}`,
      workspace && `workspace ${workspace}`,
    ]),
    lifecycle: 'connected',
    reportsHealth: false,
    lastEventAt: p.lastEventReceived ?? null,
  };
}

const SEVERITY: Record<string, Severity> = {
  high: 'high',
  medium: 'medium',
  low: 'low',
  informational: 'informational',
};

export function fromAlert(a: ArmAlert): AzureAlertSpec {
  const resource =
    a.compromisedEntity ?? a.resourceIdentifiers?.find((r) => r.azureResourceId)?.azureResourceId;
  return {
    vendorName: a.vendorName ?? null,
    event: {
      id: a.name.slice(0, 200),
      // An unknown severity is shown rather than hidden: Azure's list has only these four today.
      severity: SEVERITY[lower(a.severity)] ?? 'high',
      title: a.alertDisplayName ?? a.alertType ?? a.name,
      description: a.description,
      resource,
      observedAt: a.timeGeneratedUtc ?? a.startTimeUtc,
      properties: {
        azureId: a.id,
        alertType: a.alertType ?? null,
        status: a.status ?? null,
        intent: a.intent ?? null,
        productName: a.productName ?? null,
        vendorName: a.vendorName ?? null,
        azureSeverity: a.severity ?? null,
        alertUri: a.alertUri ?? null,
        remediationSteps: a.remediationSteps ?? [],
      },
    },
  };
}

/** The whole read, mapped. */
export function mapDefender(lists: DefenderLists, ctx: MappingContext): AzureSnapshot {
  const security = parseItems(securitySolutionSchema, lists.securitySolutions);
  const discovered = parseItems(discoveredSolutionSchema, lists.discoveredSolutions);
  const external = parseItems(externalSolutionSchema, lists.externalSolutions);
  const alerts = parseItems(alertSchema, lists.alerts);
  const solutions: AzureSolutionSpec[] = [
    ...security.ok.map((s) => fromSecuritySolution(s, ctx)),
    ...discovered.ok.map((s) => fromDiscovered(s, ctx)),
    ...external.ok.flatMap((s) => fromExternal(s, ctx) ?? []),
  ];
  const listed = new Set([...security.ok, ...discovered.ok, ...external.ok].map((s) => s.id.toLowerCase()));
  return {
    solutions,
    alerts: alerts.ok.map(fromAlert),
    listed,
    refused: security.refused + discovered.refused + external.refused + alerts.refused,
  };
}

/** The solution that takes Defender's own alerts, and those whose vendor matches no single solution. */
export function defenderSpec(ctx: MappingContext): AzureSolutionSpec {
  return {
    azureId: `/subscriptions/${ctx.subscriptionId}/providers/Microsoft.Security`,
    resourceName: DEFENDER_NAME,
    name: DEFENDER_NAME,
    vendor: DEFENDER_VENDOR,
    family: 'other',
    description:
      'Security alerts raised by Defender for Cloud itself, and those whose vendor matches no single solution',
    consoleUrl: `${ctx.portalUrl}/#@${encodeURIComponent(ctx.tenantId)}/blade/Microsoft_Azure_Security/SecurityMenuBlade/0`,
    lifecycle: 'connected',
    reportsHealth: false,
    health: null,
    lastEventAt: null,
  };
}
