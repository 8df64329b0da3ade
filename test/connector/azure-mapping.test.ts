/**
 * The connector's mapping, pure, on Azure's published example responses (test/fixtures/azure/): what each
 * list becomes in secsol's model, in the wire format and in the SDK's flattened shape alike.
 */
import { describe, expect, it } from 'vitest';
import { alertTarget } from '../../src/connector/azure/alert-routing.js';
import {
  DEFENDER_NAME,
  defenderSpec,
  mapDefender,
  securitySolutionHealth,
} from '../../src/connector/azure/azure-mapping.js';
import type { DefenderLists } from '../../src/connector/azure/azure-schemas.js';
import { exampleItems, LISTS } from '../harness/azure/fake-arm.js';

const SUB = '20ff7fc3-e762-44dd-bd96-b71116dcdc23';
const ctx = { subscriptionId: SUB, tenantId: 'contoso-tenant', portalUrl: 'https://portal.azure.com' };

function examples(): DefenderLists {
  return {
    securitySolutions: exampleItems(LISTS.securitySolutions),
    discoveredSolutions: exampleItems(LISTS.discoveredSecuritySolutions),
    externalSolutions: exampleItems(LISTS.externalSecuritySolutions),
    alerts: exampleItems(LISTS.alerts),
  };
}

/** What the SDK hands over: `properties` flattened into the item, date-times as Date. */
function flattened(item: unknown): Record<string, unknown> {
  const { properties, ...rest } = item as { properties: Record<string, unknown> };
  const out: Record<string, unknown> = { ...rest, ...properties };
  for (const k of ['startTimeUtc', 'endTimeUtc', 'timeGeneratedUtc', 'processingEndTimeUtc']) {
    if (typeof out[k] === 'string') out[k] = new Date(out[k] as string);
  }
  return out;
}

describe('mapDefender on the published examples', () => {
  const snapshot = mapDefender(examples(), ctx);
  const byName = new Map(snapshot.solutions.map((s) => [s.name, s]));

  it('maps every listed item and refuses none', () => {
    expect(snapshot.refused).toBe(0);
    expect(snapshot.listed.size).toBe(2 + 2 + 7);
    expect(snapshot.solutions.map((s) => [s.name, s.lifecycle])).toEqual([
      ['MySaasWaf', 'connected'],
      ['MyVA', 'connected'],
      ['CP', 'discovered'],
      ['paloalto7', 'discovered'],
      [`Azure AD Identity Protection (defaultworkspace-${SUB}-eus)`, 'discovered'],
      [`Azure AD Identity Protection (defaultworkspace-${SUB}-weu)`, 'discovered'],
      ['barracudanetworks WAF (barracuda)', 'connected'],
      ['virtualHoneypot Microsoft (demovm20)', 'connected'],
      ['virtualHoneypot Microsoft (demovm10)', 'connected'],
      ['Azure AD Identity Protection (omsprd)', 'discovered'],
      [`Azure AD Identity Protection (defaultworkspace-${SUB}-ejp)`, 'discovered'],
    ]);
  });

  it('makes security solutions connected, healthy when Succeeded and Good, with the portal as console', () => {
    const waf = byName.get('MySaasWaf');
    expect(waf).toMatchObject({
      azureId: `/subscriptions/${SUB}/resourceGroups/myRg1/providers/Microsoft.Security/locations/centralus/SecuritySolutions/SaasWaf`,
      resourceName: 'MySaasWaf',
      vendor: 'Microsoft',
      family: 'waf',
      reportsHealth: true,
      health: { status: 'healthy' },
      consoleUrl: `https://portal.azure.com/#@contoso-tenant/resource/subscriptions/${SUB}/resourceGroups/myRg1/providers/Microsoft.Security/locations/centralus/SecuritySolutions/SaasWaf`,
    });
    expect(byName.get('MyVA')).toMatchObject({
      vendor: 'Qualys',
      family: 'va',
      health: { status: 'healthy' },
    });
  });

  it('makes discovered solutions discovered, with publisher, offer and sku', () => {
    expect(byName.get('CP')).toMatchObject({
      vendor: 'cisco',
      family: 'ngfw',
      health: null,
      description: expect.stringContaining('offer cisco-asav · sku asav-azure-byol'),
    });
  });

  it('makes AAD (Discovered) discovered identity solutions and CEF sources connected with their last event', () => {
    const aad = byName.get('Azure AD Identity Protection (omsprd)');
    expect(aad).toMatchObject({ family: 'identity', vendor: 'Microsoft', lifecycle: 'discovered' });
    const cef = byName.get('barracudanetworks WAF (barracuda)');
    expect(cef).toMatchObject({
      resourceName: 'cef_omsprd_barracudanetworks_waf_barracuda',
      vendor: 'barracudanetworks',
      family: 'waf',
      reportsHealth: false,
      health: null,
      lastEventAt: Date.parse('2018-05-09T10:30:11.523Z'),
    });
  });

  it('makes alerts security events keyed by the resource name, severity mapped', () => {
    expect(snapshot.alerts.map((a) => [a.event.id, a.event.severity, a.event.title, a.vendorName])).toEqual([
      [
        '2518298467986649999_4d25bfef-2d77-4a08-adc0-3e35715cc92a',
        'high',
        'Azure Security Center test alert (not a threat)',
        'Microsoft',
      ],
      [
        '2518765996949954086_2325cf9e-42a2-4f72-ae7f-9b863cba2d22',
        'medium',
        'Suspicious Screensaver process executed',
        'Microsoft',
      ],
    ]);
    const eicar = snapshot.alerts[0]?.event;
    expect(eicar).toMatchObject({
      resource: 'vm1',
      observedAt: Date.parse('2020-02-23T13:47:58.0000000Z'),
      properties: { alertType: 'VM_EICAR', status: 'Active', azureSeverity: 'High' },
    });
    // Non-ASCII quotes come through untouched.
    expect(snapshot.alerts[1]?.event.description).toContain('‘c:\\users\\contosoUser\\scrsave.scr’');
  });

  it('reads the SDK shape (flattened, Dates) exactly like the wire format', () => {
    const lists = examples();
    const sdk: DefenderLists = {
      securitySolutions: lists.securitySolutions.map(flattened),
      discoveredSolutions: lists.discoveredSolutions.map(flattened),
      externalSolutions: lists.externalSolutions,
      alerts: lists.alerts.map(flattened),
    };
    const fromSdk = mapDefender(sdk, ctx);
    expect(fromSdk.solutions).toEqual(snapshot.solutions);
    expect(fromSdk.alerts).toEqual(snapshot.alerts);
  });

  it('keeps two Azure solutions that share a name apart by their ARM ids', () => {
    const lists = examples();
    lists.securitySolutions.push(...exampleItems('GetSecuritySolutionsResourceGroupLocation_example.json'));
    const both = mapDefender(lists, ctx).solutions.filter((s) => s.name === 'MyVA');
    expect(both.map((s) => s.azureId.split('/').pop())).toEqual(['MyVA', 'paloalto7']);
    expect(both.map((s) => s.family)).toEqual(['va', 'ngfw']);
  });
});

describe('health of a security solution', () => {
  it.each([
    ['Succeeded', 'Good', 'healthy'],
    ['Failed', 'Good', 'unhealthy'],
    ['Succeeded', 'Bad', 'unhealthy'],
    ['succeeded', 'good', 'healthy'],
    [undefined, 'Good', 'unhealthy'],
  ])('provisioningState %s, protectionStatus %s: %s', (provisioningState, protectionStatus, status) => {
    const health = securitySolutionHealth({ id: 'x', name: 'x', provisioningState, protectionStatus });
    expect(health?.status).toBe(status);
    if (status === 'unhealthy') {
      expect(health?.message).toContain(`provisioningState ${provisioningState ?? '(none)'}`);
      expect(health?.message).toContain(`protectionStatus ${protectionStatus}`);
    }
  });

  it('files nothing while Azure is still deploying it (Updating)', () => {
    expect(securitySolutionHealth({ id: 'x', name: 'x', provisioningState: 'Updating' })).toBeNull();
  });
});

describe('invalid items', () => {
  it('are refused one by one and counted, the rest still mapped', () => {
    const lists = examples();
    lists.securitySolutions.push({ properties: { securityFamily: 'Va' } }, 'garbage', null);
    const snapshot = mapDefender(lists, ctx);
    expect(snapshot.refused).toBe(3);
    expect(snapshot.solutions.filter((s) => s.reportsHealth)).toHaveLength(2);
  });
});

describe('alert routing', () => {
  const candidates = [
    { id: 'barracuda', vendor: 'barracudanetworks' },
    { id: 'waf', vendor: 'Microsoft' },
    { id: 'honeypot-1', vendor: 'virtualHoneypot' },
    { id: 'honeypot-2', vendor: 'virtualHoneypot' },
  ];

  it('goes to the one connected solution of the alert vendor', () => {
    expect(alertTarget('BarracudaNetworks', candidates)).toBe('barracuda');
  });

  it('goes to Defender for Cloud for Microsoft alerts, unknown vendors and ambiguous ones', () => {
    expect(alertTarget('Microsoft', candidates)).toBeNull();
    expect(alertTarget('Acme', candidates)).toBeNull();
    expect(alertTarget('virtualHoneypot', candidates)).toBeNull();
    expect(alertTarget(null, candidates)).toBeNull();
  });

  it('names that solution "Microsoft Defender for Cloud", with the subscription as its Azure id', () => {
    expect(defenderSpec(ctx)).toMatchObject({
      name: DEFENDER_NAME,
      vendor: 'Microsoft',
      lifecycle: 'connected',
      azureId: `/subscriptions/${SUB}/providers/Microsoft.Security`,
    });
  });
});
