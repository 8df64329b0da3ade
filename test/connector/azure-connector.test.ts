/**
 * The Defender for Cloud connector end to end: a real secsol process (dist/main.js) runs the real
 * `ClientSecretCredential` and `SecurityCenter` against local HTTPS fakes of Microsoft Entra and Azure
 * Resource Manager that serve Azure's published examples. The app trusts the fakes' throwaway CA through
 * NODE_EXTRA_CA_CERTS, set in the child's environment because Node reads it only at process start.
 *
 * One process for the whole file, in order: the first read (paging, api-versions, the model), then faults
 * the SDK or the connector must absorb (429, 5xx, a timeout, an expired token), a solution Azure stops
 * listing, and a connector that fails for a while and recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  call,
  type SecsolProcess,
  SIGNING_SECRET,
  spawnSecsol,
  testEnv,
} from '../harness/app.js';
import {
  type AzureFakes,
  recentEvents,
  SUBSCRIPTION_ID,
  startAzureFakes,
} from '../harness/azure/azure-fakes.js';
import type { ArmItem } from '../harness/azure/fake-arm.js';
import { FakeSlack } from '../harness/fake-slack.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';
import { sendSigned, slashCommandBody } from '../harness/slack-signer.js';
import { waitUntil } from '../harness/wait.js';

const POLL_MS = 1000;
const prefix = testPrefix('azure');
const redis = testRedis();
let fake: FakeSlack;
let azure: AzureFakes;
let proc: SecsolProcess;
let url = '';

// biome-ignore lint/suspicious/noExplicitAny: the admin API's JSON is read field by field.
type Json = any;

async function solutions(): Promise<Json[]> {
  const res = await call(`${url}/api/v1/solutions`, 'GET', { token: ADMIN_TOKEN });
  expect(res.status).toBe(200);
  return res.body.solutions;
}

async function solution(name: string): Promise<Json> {
  return (await solutions()).find((s) => s.name === name);
}

async function metric(name: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{connector="azure"}`));
  return line === undefined ? null : Number(line.split(' ').pop());
}

/** Waits for `polls` more complete, successful reads of Azure (the last-success metric moves). */
async function nextPolls(polls = 1): Promise<void> {
  let last = (await metric('secsol_connector_last_success_timestamp_seconds')) ?? 0;
  for (let i = 0; i < polls; i++) {
    const seen = last;
    last = await waitUntil(
      async () => {
        const now = await metric('secsol_connector_last_success_timestamp_seconds');
        return now !== null && now > seen ? now : null;
      },
      { timeoutMs: 15_000, message: 'a successful poll' },
    );
  }
}

/** Waits until `list` was read successfully after request number `from`, then for that poll to finish. */
async function readAgain(list: Parameters<typeof azure.arm.requestsFor>[0], from: number): Promise<void> {
  await waitUntil(() => azure.arm.requests.slice(from).some((r) => r.list === list && r.status === 200), {
    timeoutMs: 15_000,
    message: `${list} read again`,
  });
  await nextPolls(1);
}

function noticesMatching(text: string) {
  return fake.messages('C0ALERTS').filter((m) => m.text.includes(text));
}

beforeAll(async () => {
  azure = await startAzureFakes({
    pageSize: 2,
    serve: recentEvents(['cef_omsprd_virtualhoneypot_Microsoft_demovm20']),
  });
  fake = await FakeSlack.start();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  proc = spawnSecsol(
    'main',
    testEnv(fake, prefix, {
      PORT: String(port),
      LOG_LEVEL: 'info',
      SECSOL_EVENT_MIN_SEVERITY: 'high',
      ...azure.env({
        SECSOL_AZURE_POLL_EVERY: `${POLL_MS}ms`,
        SECSOL_AZURE_TIMEOUT: '1500ms',
        SECSOL_AZURE_RETRY_BACKOFF: '100ms',
      }),
    }),
  );
  await waitUntil(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok, { timeoutMs: 15_000 });
});

afterAll(async () => {
  proc?.kill('SIGKILL');
  await proc?.exited;
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
  await azure?.close();
  await fake?.close();
});

describe('the first read', () => {
  it('follows every page of the four lists, with the api-versions of @azure/arm-security 5.0.0', async () => {
    await nextPolls(1);
    const firstPoll = (list: Parameters<typeof azure.arm.requestsFor>[0]) =>
      azure.arm.requestsFor(list).filter((r) => r.status === 200);
    // 2 per page: 2 security solutions (1 page), 2 discovered (1), 7 external (4), 2 alerts (1).
    expect(
      firstPoll('externalSecuritySolutions')
        .map((r) => r.page)
        .slice(0, 4),
    ).toEqual([0, 1, 2, 3]);
    expect(firstPoll('securitySolutions')[0]?.apiVersion).toBe('2020-01-01');
    expect(firstPoll('discoveredSecuritySolutions')[0]?.apiVersion).toBe('2020-01-01');
    expect(firstPoll('externalSecuritySolutions')[0]?.apiVersion).toBe('2020-01-01');
    expect(firstPoll('alerts')[0]?.apiVersion).toBe('2021-11-01');
    // Signed in once: the tenant's OpenID configuration, then the client-credentials grant.
    expect(azure.entra.granted()).toBe(1);
    expect(azure.entra.tokenRequests()[0]?.grant).toMatchObject({
      scope: 'https://management.azure.com/.default',
      grantType: 'client_credentials',
      secretOk: true,
    });
  });

  it('maps them onto secsol: source azure with the ARM id, health, discovered, CEF sources and alerts', async () => {
    const all = await waitUntil(async () => {
      const list = await solutions();
      return list.length >= 12 && list.find((s) => s.name === 'MySaasWaf')?.state === 'healthy' ? list : null;
    });
    expect(all.every((s: Json) => s.source === 'azure' && typeof s.azureId === 'string')).toBe(true);
    const by = new Map(all.map((s: Json) => [s.name, s]));
    expect(by.get('MySaasWaf')).toMatchObject({
      id: 'mysaaswaf',
      lifecycle: 'connected',
      state: 'healthy',
      vendor: 'Microsoft',
      family: 'waf',
      expectedEvery: POLL_MS,
      grace: 2 * POLL_MS,
      azureId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/myRg1/providers/Microsoft.Security/locations/centralus/SecuritySolutions/SaasWaf`,
      consoleUrl: expect.stringMatching(
        /^https:\/\/portal\.azure\.com\/#@secsol-test-tenant\/resource\/subscriptions\//,
      ),
      lastHealthMessage: expect.stringContaining('protectionStatus Good'),
    });
    expect(by.get('CP')).toMatchObject({ lifecycle: 'discovered', vendor: 'cisco', state: null });
    expect(by.get('Azure AD Identity Protection (omsprd)')).toMatchObject({ lifecycle: 'discovered' });
    // CEF: no health data, the 14-day rule on Defender's last event (2018 in the example; one moved to now).
    await waitUntil(
      async () => (await solution('barracudanetworks WAF (barracuda)'))?.state === 'stopped_reporting',
    );
    const honeypot = await solution('virtualHoneypot Microsoft (demovm20)');
    expect(honeypot).toMatchObject({ state: 'not_reported', reason: expect.stringContaining('last event') });
    // Both example alerts are Microsoft's own: they belong to "Microsoft Defender for Cloud".
    const defender = await waitUntil(async () => {
      const d = await solution('Microsoft Defender for Cloud');
      return d?.lastEventAt ? d : null;
    });
    expect(defender).toMatchObject({ lifecycle: 'connected', vendor: 'Microsoft', state: 'not_reported' });
    // The High alert (at or above SECSOL_EVENT_MIN_SEVERITY) was posted, once; the Medium one was not.
    await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('test alert'),
    );
    await nextPolls(2);
    const posted = fake
      .messages('C0ALERTS')
      .filter((m) => JSON.stringify(m).includes('Azure Security Center test alert'));
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(fake.messages('C0ALERTS'))).not.toContain('Suspicious Screensaver');
  });

  it('shows them in /secsol status and view with their source and the Azure portal as Solution console', async () => {
    const status = await sendSigned(`${url}/slack/events`, slashCommandBody({ text: 'status' }), {
      secret: SIGNING_SECRET,
    });
    const page = JSON.stringify(status.json);
    expect(page).toContain('MySaasWaf');
    expect(page).toContain(':cloud: _Defender for Cloud_');
    const view = await sendSigned(`${url}/slack/events`, slashCommandBody({ text: 'view MyVA' }), {
      secret: SIGNING_SECRET,
    });
    const blocks = (view.json as Json).blocks as Json[];
    const actions = blocks.find((b) => b.block_id === 'solution_actions');
    const consoleButton = actions.elements.find((e: Json) => e.text.text === 'Solution console');
    expect(consoleButton.url).toBe(
      `https://portal.azure.com/#@secsol-test-tenant/resource/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/myRg2/providers/Microsoft.Security/locations/centralus/SecuritySolutions/MyVA`,
    );
    const del = actions.elements.find((e: Json) => e.text.text === 'Delete');
    expect(del.confirm.text.text).toContain('deleted in secsol only');
    expect(JSON.stringify(blocks)).toContain('Azure resource');
  });
});

describe('faults the SDK and the connector absorb', () => {
  it('waits Retry-After on 429, then reads on', async () => {
    const errorsBefore = await metric('secsol_connector_errors_total');
    const from = azure.arm.requests.length;
    azure.arm.failNext('alerts', { status: 429, headers: { 'retry-after': '1' } });
    await readAgain('alerts', from);
    const alerts = azure.arm.requests.slice(from).filter((r) => r.list === 'alerts');
    const throttled = alerts.findIndex((r) => r.status === 429);
    expect(throttled).toBeGreaterThanOrEqual(0);
    const retried = alerts[throttled + 1];
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (alerts[throttled]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(await metric('secsol_connector_errors_total')).toBe(errorsBefore);
  });

  it('backs off and retries on 5xx', async () => {
    const errorsBefore = await metric('secsol_connector_errors_total');
    const from = azure.arm.requests.length;
    azure.arm.failNext('securitySolutions', { status: 500 }, { status: 503 });
    await readAgain('securitySolutions', from);
    const reads = azure.arm.requests.slice(from).filter((r) => r.list === 'securitySolutions');
    expect(reads.slice(0, 3).map((r) => r.status)).toEqual([500, 503, 200]);
    // Exponential backoff from 100 ms, with the SDK's jitter (at least half of each delay).
    expect((reads[1]?.at ?? 0) - (reads[0]?.at ?? 0)).toBeGreaterThanOrEqual(50);
    expect((reads[2]?.at ?? 0) - (reads[1]?.at ?? 0)).toBeGreaterThanOrEqual(100);
    expect(await metric('secsol_connector_errors_total')).toBe(errorsBefore);
  });

  it('reads a list again after a request times out', async () => {
    const errorsBefore = await metric('secsol_connector_errors_total');
    const from = azure.arm.requests.length;
    azure.arm.failNext('discoveredSecuritySolutions', 'hang');
    await readAgain('discoveredSecuritySolutions', from);
    const reads = azure.arm.requests.slice(from).filter((r) => r.list === 'discoveredSecuritySolutions');
    expect(reads.slice(0, 2).map((r) => r.status)).toEqual(['hang', 200]);
    expect((reads[1]?.at ?? 0) - (reads[0]?.at ?? 0)).toBeGreaterThanOrEqual(1500);
    expect(await metric('secsol_connector_errors_total')).toBe(errorsBefore);
  });

  it('gets one fresh token when ARM refuses an expired one', async () => {
    const errorsBefore = await metric('secsol_connector_errors_total');
    const grantedBefore = azure.entra.granted();
    const from = azure.arm.requests.length;
    azure.entra.expireAll();
    await waitUntil(() => azure.arm.requests.slice(from).some((r) => r.status === 401));
    await readAgain('alerts', azure.arm.requests.length);
    const after = azure.arm.requests.slice(from);
    expect(after.some((r) => r.status === 401)).toBe(true);
    expect(azure.entra.granted()).toBe(grantedBefore + 1);
    expect(await metric('secsol_connector_errors_total')).toBe(errorsBefore);
  });
});

describe('a solution Azure stops listing', () => {
  let removed: ArmItem;

  it('is kept, and shows that Defender for Cloud no longer lists it', async () => {
    const index = azure.arm.items.securitySolutions.findIndex((s) => s.name === 'MyVA');
    [removed] = azure.arm.items.securitySolutions.splice(index, 1) as [ArmItem];
    const gone = await waitUntil(async () => {
      const s = await solution('MyVA');
      return s?.state === 'stopped_reporting' ? s : null;
    });
    expect(gone.reason).toMatch(/^Defender for Cloud no longer lists it \(since /);
    expect(gone.unlistedAt).not.toBeNull();
    expect((await call(`${url}/api/v1/solutions/${gone.id}`, 'GET', { token: ADMIN_TOKEN })).status).toBe(
      200,
    );
    // One incident for it, naming the reason.
    await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('no longer lists it'),
    );
  });

  it('comes back when Azure lists it again', async () => {
    azure.arm.items.securitySolutions.push(removed);
    const back = await waitUntil(async () => {
      const s = await solution('MyVA');
      return s?.state === 'healthy' ? s : null;
    });
    expect(back.unlistedAt).toBeNull();
  });
});

describe('a connector that keeps failing', () => {
  it('keeps the app up and ready, counts the errors, announces it once, and does not flag Azure solutions', async () => {
    const errorsBefore = (await metric('secsol_connector_errors_total')) ?? 0;
    azure.arm.failAll({ status: 500 });
    await waitUntil(async () => ((await metric('secsol_connector_errors_total')) ?? 0) >= errorsBefore + 1);
    await waitUntil(() => noticesMatching('cannot read Azure').length === 1);
    // Long past a report's expected interval and grace (3 polls): still not Stopped reporting.
    const failingFrom = Date.now();
    await waitUntil(
      async () =>
        Date.now() - failingFrom > 4 * POLL_MS &&
        ((await metric('secsol_connector_errors_total')) ?? 0) >= errorsBefore + 3,
      { timeoutMs: 20_000 },
    );
    expect((await solution('MySaasWaf')).state).toBe('healthy');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(noticesMatching('cannot read Azure')).toHaveLength(1);
    expect(noticesMatching('cannot read Azure')[0]?.text).toContain('Azure Resource Manager answered 500');
  });

  it('announces its recovery once', async () => {
    azure.arm.failAll(null);
    await waitUntil(() => noticesMatching('reads Azure again').length === 1, { timeoutMs: 15_000 });
    await nextPolls(2);
    expect(noticesMatching('reads Azure again')).toHaveLength(1);
    expect(noticesMatching('cannot read Azure')).toHaveLength(1);
    expect((await solution('MySaasWaf')).state).toBe('healthy');
    expect(proc.output()).not.toMatch(/unhandledRejection|uncaughtException/);
  });
});
