/**
 * Applying a read of Defender for Cloud to secsol, on the real Redis (no SDK here: the mapping's output is
 * built from the published examples, edited per case). What the end-to-end test cannot show quickly:
 * a solution deleted in secsol stays deleted, two resources with one name get two ids, a CEF source's last
 * event only moves forward, alerts follow their vendor, a half-finished creation is adopted, and an
 * unreadable item suspends "no longer listed".
 */
import { Queue } from 'bullmq';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { mapDefender } from '../../src/connector/azure/azure-mapping.js';
import type { DefenderLists } from '../../src/connector/azure/azure-schemas.js';
import { type SyncDeps, syncSnapshot } from '../../src/connector/azure/azure-sync.js';
import { FactsWriter } from '../../src/connector/azure/facts-writer.js';
import { createLogger } from '../../src/logger.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { IngestService } from '../../src/services/ingest-service.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { SUBSCRIPTION_ID } from '../harness/azure/azure-fakes.js';
import { exampleItems, LISTS } from '../harness/azure/fake-arm.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const redis = testRedis();
const prefixes: string[] = [];
const closers: (() => Promise<unknown>)[] = [];
let now = Date.UTC(2026, 0, 5, 12);
const mapping = {
  subscriptionId: SUBSCRIPTION_ID,
  tenantId: 'tenant',
  portalUrl: 'https://portal.azure.com',
};

function examples(): DefenderLists {
  return {
    securitySolutions: exampleItems(LISTS.securitySolutions),
    discoveredSolutions: exampleItems(LISTS.discoveredSecuritySolutions),
    externalSolutions: exampleItems(LISTS.externalSecuritySolutions),
    alerts: exampleItems(LISTS.alerts),
  };
}

let deps: SyncDeps;
let solutions: SolutionRepository;

beforeEach(() => {
  const prefix = testPrefix('azure-sync');
  prefixes.push(prefix);
  const ctx = storageContext(redis, prefix);
  const queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  const facts = new FactsWriter(ctx);
  closers.push(
    () => queue.close(),
    () => facts.close(),
  );
  solutions = new SolutionRepository(ctx);
  deps = {
    ctx,
    solutions,
    audit: new AuditRepository(ctx),
    ingest: new IngestService({
      solutions,
      reports: new ReportRepository(ctx),
      outbox: new Outbox({
        delivery: new DeliveryRepository(ctx),
        keys: ctx.keys,
        queue,
        policy: { attempts: 1, backoffMs: 100 },
        now: () => now,
      }),
      defaultChannel: 'C0TEST',
      minSeverity: 'critical',
      now: () => now,
    }),
    facts,
    mapping,
    pollEvery: 300_000,
    logger: createLogger('silent'),
    now: () => now,
  };
});

afterAll(async () => {
  for (const close of closers) await close();
  for (const prefix of prefixes) await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

const sync = (lists: DefenderLists) => syncSnapshot(mapDefender(lists, mapping), deps);

async function byName(name: string) {
  return (await solutions.list()).filter((r) => r.solution.name === name);
}

describe('syncSnapshot', () => {
  it('creates each resource once, however many polls, and audits the creation', async () => {
    const first = await sync(examples());
    expect(first).toMatchObject({ created: 12, reports: 2, unlisted: 0 });
    now += 300_000;
    const second = await sync(examples());
    expect(second).toMatchObject({ created: 0, reports: 2, events: 0 });
    expect(await solutions.count()).toBe(12);
    const audit = await new AuditRepository(deps.ctx).recent(undefined, 200);
    expect(audit.filter((a) => a.action === 'solution.create')).toHaveLength(12);
  });

  it('does not bring back a solution deleted in secsol', async () => {
    await sync(examples());
    const [va] = await byName('MyVA');
    expect(await solutions.delete(va?.solution.id ?? '')).toBe(true);
    const again = await sync(examples());
    expect(again.deletedInSecsol).toBe(1);
    expect(await byName('MyVA')).toHaveLength(0);
  });

  it('gives two resources with one name two stable ids, and tells their names apart', async () => {
    const lists = examples();
    lists.securitySolutions.push(...exampleItems('GetSecuritySolutionsResourceGroupLocation_example.json'));
    await sync(lists);
    await sync(lists);
    const both = (await solutions.list()).filter((r) => r.solution.name.startsWith('MyVA'));
    expect(both.map((r) => r.solution.id).sort()).toEqual([
      'myva',
      expect.stringMatching(/^myva-[0-9a-f]{8}$/),
    ]);
    expect(new Set(both.map((r) => r.solution.azureId)).size).toBe(2);
    // Names are unique: the second is named with its resource group and resource name.
    expect(both.map((r) => r.solution.name).sort()).toEqual([
      'MyVA',
      expect.stringMatching(/^MyVA \(.+\/.+\)$/),
    ]);
  });

  it('moves a CEF source’s last event forward only', async () => {
    const lists = examples();
    const cef = lists.externalSolutions.find((s) => (s as { name: string }).name.endsWith('barracuda')) as {
      properties: { lastEventReceived: string };
    };
    cef.properties.lastEventReceived = new Date(now - 3_600_000).toISOString();
    await sync(lists);
    const [rec] = await byName('barracudanetworks WAF (barracuda)');
    expect(rec?.facts.lastEventAt).toBe(now - 3_600_000);
    cef.properties.lastEventReceived = new Date(now - 7_200_000).toISOString();
    await sync(lists);
    expect((await byName('barracudanetworks WAF (barracuda)'))[0]?.facts.lastEventAt).toBe(now - 3_600_000);
  });

  it('attaches an alert to the one solution of its vendor, Microsoft’s own to Defender for Cloud', async () => {
    const lists = examples();
    const partner = structuredClone(lists.alerts[1]) as { name: string; properties: Record<string, unknown> };
    partner.name = 'partner-alert-1';
    partner.properties.vendorName = 'BarracudaNetworks';
    lists.alerts.push(partner);
    const result = await sync(lists);
    expect(result.events).toBe(3);
    const reports = new ReportRepository(deps.ctx);
    const [barracuda] = await byName('barracudanetworks WAF (barracuda)');
    const [defender] = await byName('Microsoft Defender for Cloud');
    expect((await reports.recentEvents(barracuda?.solution.id ?? '')).map((e) => e.id)).toEqual([
      'partner-alert-1',
    ]);
    expect(await reports.recentEvents(defender?.solution.id ?? '')).toHaveLength(2);
    // The same alerts on the next poll are the same events: nothing new.
    expect((await sync(lists)).events).toBe(0);
  });

  it('adopts a solution created by a poll that stopped before indexing it', async () => {
    await sync(examples());
    await redis.hdel(
      deps.ctx.keys.azureIndex,
      (await byName('MySaasWaf'))[0]?.solution.azureId?.toLowerCase() ?? '',
    );
    await sync(examples()); // adopts it (re-indexes), creates nothing
    const third = await sync(examples());
    expect(third.created).toBe(0);
    expect(await byName('MySaasWaf')).toHaveLength(1);
  });

  it('marks what Azure no longer lists, unless some item could not be read', async () => {
    await sync(examples());
    const lists = examples();
    lists.discoveredSolutions = lists.discoveredSolutions.filter(
      (s) => (s as { name: string }).name !== 'CP',
    );
    lists.securitySolutions.push({ properties: { securityFamily: 'Va' } }); // unreadable: no id
    expect((await sync(lists)).unlisted).toBe(0);
    lists.securitySolutions.pop();
    expect((await sync(lists)).unlisted).toBe(1);
    const [cp] = await byName('CP');
    expect(cp?.facts.unlistedAt).toBe(now);
    expect(cp?.solution.version).toBe(1); // a fact, not a configuration change: buttons stay valid
    expect((await sync(examples())).relisted).toBe(1);
    expect((await byName('CP'))[0]?.facts.unlistedAt).toBeNull();
  });
});
