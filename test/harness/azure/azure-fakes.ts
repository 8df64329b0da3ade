/**
 * The local Azure for a test (or `npm run demo:azure`): a throwaway CA, the Entra and ARM fakes over
 * HTTPS, and the environment that points secsol at them. The app must run as a child process with this
 * environment: NODE_EXTRA_CA_CERTS is read only when a Node process starts (see tls.ts).
 */
import { type ArmItem, FakeArm, type ListName } from './fake-arm.js';
import { FakeEntra } from './fake-entra.js';
import { makeTestTls, type TestTls } from './tls.js';

/** The subscription of Azure's published examples. */
export const SUBSCRIPTION_ID = '20ff7fc3-e762-44dd-bd96-b71116dcdc23';
export const TENANT_ID = 'secsol-test-tenant';
export const CLIENT_ID = 'secsol-test-client';
/** Not a real secret: tests look for it in logs and Redis, where it must never appear. */
export const CLIENT_SECRET = 'fake-client-secret-Zq9!never-log-me';

export interface AzureFakes {
  tls: TestTls;
  entra: FakeEntra;
  arm: FakeArm;
  /** Variables that turn the connector on against the fakes (plus the CA for NODE_EXTRA_CA_CERTS). */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Moves the `lastEventReceived` of the named CEF items to `agoMs` before now, at serve time: the examples
 * date from 2018, and the 14-day rule needs a recent one to show "Not reported, last event …".
 */
export function recentEvents(names: string[], agoMs = 60_000) {
  return (list: ListName, item: ArmItem): ArmItem => {
    if (list === 'externalSecuritySolutions' && names.includes(item.name) && item.properties) {
      item.properties.lastEventReceived = new Date(Date.now() - agoMs).toISOString();
    }
    return item;
  };
}

export async function startAzureFakes(
  opts: {
    pageSize?: number;
    serve?: (list: ListName, item: ArmItem) => ArmItem;
    ports?: { entra?: number; arm?: number };
    clientSecret?: string;
  } = {},
): Promise<AzureFakes> {
  const tls = makeTestTls();
  const entra = await FakeEntra.start({
    tls,
    tenantId: TENANT_ID,
    clientId: CLIENT_ID,
    clientSecret: opts.clientSecret ?? CLIENT_SECRET,
    port: opts.ports?.entra,
  });
  const arm = await FakeArm.start({
    tls,
    subscriptionId: SUBSCRIPTION_ID,
    entra,
    pageSize: opts.pageSize,
    serve: opts.serve,
    port: opts.ports?.arm,
  });
  return {
    tls,
    entra,
    arm,
    env: (extra = {}) => ({
      AZURE_SUBSCRIPTION_ID: SUBSCRIPTION_ID,
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: CLIENT_SECRET,
      AZURE_RESOURCE_MANAGER_URL: arm.url,
      AZURE_AUTHORITY_HOST: entra.url,
      NODE_EXTRA_CA_CERTS: tls.caFile,
      ...extra,
    }),
    close: async () => {
      await Promise.all([arm.close(), entra.close()]);
      tls.remove();
    },
  };
}
