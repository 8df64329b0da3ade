/**
 * Solutions read from Defender for Cloud in the pure builders: the source badge, the ARM id, the Azure
 * portal as Solution console, "no longer listed", Connect and Delete saying they act in secsol only, and
 * the connector's health on App Home. Every message stays valid Block Kit.
 */
import { describe, expect, it } from 'vitest';
import type { HealthPolicy } from '../../../src/domain/health.js';
import { evaluate } from '../../../src/domain/health.js';
import { buildSnapshot } from '../../../src/services/status-service.js';
import { connectorBlock, homeView } from '../../../src/slack/blocks/home-blocks.js';
import { discoveredRow, statusMessage } from '../../../src/slack/blocks/status-blocks.js';
import { solutionViewMessage } from '../../../src/slack/blocks/view-blocks.js';
import { parseSolutionHash, solutionFields } from '../../../src/storage/solution-record.js';
import { validateMessageBlocks, validateView } from '../../harness/fake-slack.js';

// biome-ignore lint/suspicious/noExplicitAny: blocks are read field by field.
type Json = any;
const NOW = Date.UTC(2026, 0, 5, 12);
const DEFAULTS: HealthPolicy = {
  every: 3_600_000,
  grace: 900_000,
  silenceWindow: 14 * 86_400_000,
  unhealthyThreshold: 1,
};
const ARM_ID =
  '/subscriptions/20ff7fc3-e762-44dd-bd96-b71116dcdc23/resourceGroups/myRg2/providers/Microsoft.Security/locations/centralus/SecuritySolutions/MyVA';
const PORTAL = `https://portal.azure.com/#@tenant/resource${ARM_ID}`;

function record(lifecycle: 'connected' | 'discovered', extra: Record<string, string> = {}) {
  return parseSolutionHash({
    ...solutionFields({
      id: 'myva',
      name: 'MyVA',
      vendor: 'Qualys',
      family: 'va',
      source: 'azure',
      consoleUrl: PORTAL,
      linkedResources: [],
      lifecycle,
      createdAt: NOW - 3_600_000,
      connectedAt: lifecycle === 'connected' ? NOW - 3_600_000 : undefined,
      version: 3,
      azureId: ARM_ID,
      every: 300_000,
      grace: 600_000,
    }),
    rev: '1',
    ...extra,
  });
}

function buttons(blocks: Json[]): Json[] {
  return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]);
}

describe('view of a solution read from Azure', () => {
  it('shows the badge, the ARM id, and the portal as Solution console; Delete acts in secsol only', () => {
    const rec = record('connected', { lastHealthAt: String(NOW - 60_000), lastHealthStatus: 'healthy' });
    const evaluation = evaluate(rec.facts, { ...DEFAULTS, every: 300_000, grace: 600_000 }, NOW);
    const message = solutionViewMessage({ record: rec, evaluation, flips: [], events: [], now: NOW });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(':cloud: _Defender for Cloud_');
    expect(text).toContain(ARM_ID);
    expect(text).toContain('act in secsol only');
    const all = buttons(message.blocks as Json[]);
    expect(all.find((b) => b.text.text === 'Solution console')?.url).toBe(PORTAL);
    expect(all.find((b) => b.text.text === 'Delete')?.confirm.text.text).toContain('deleted in secsol only');
  });

  it('says when Defender for Cloud no longer lists it, discovered ones too', () => {
    const rec = record('discovered', { unlistedAt: String(NOW - 120_000) });
    const message = solutionViewMessage({ record: rec, evaluation: null, flips: [], events: [], now: NOW });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('Defender for Cloud no longer lists it');
    const connect = buttons(message.blocks as Json[]).find((b) => b.text.text === 'Connect');
    expect(connect.confirm.text.text).toContain('connects it in secsol only');
  });
});

describe('status page rows', () => {
  it('badge Azure solutions and ask before Connect on a discovered one, and only there', () => {
    const azure = record('connected', { lastHealthAt: String(NOW - 60_000), lastHealthStatus: 'healthy' });
    const snapshot = buildSnapshot([azure, record('discovered')], DEFAULTS, NOW);
    const message = statusMessage(snapshot);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain(':cloud: _Defender for Cloud_');
    const row = discoveredRow(record('discovered')) as Json;
    expect(row.accessory.confirm.title.text).toBe('Connect in secsol only?');
    const pushed = parseSolutionHash({ ...solutionFields({ ...azure.solution, source: 'push' }), rev: '1' });
    expect(
      (discoveredRow({ ...pushed, solution: { ...pushed.solution, lifecycle: 'discovered' } }) as Json)
        .accessory.confirm,
    ).toBeUndefined();
  });
});

describe('App Home', () => {
  const snapshot = buildSnapshot([], DEFAULTS, NOW);

  it('shows a failing connector: since when, how many errors, why (escaped)', () => {
    const view = homeView({
      userId: 'U0ME',
      snapshot,
      deliveryErrors: [],
      azure: {
        errors: 4,
        failingSince: NOW - 600_000,
        lastError: 'sign-in failed: <!channel> `x`',
        lastSuccessAt: NOW - 900_000,
      },
    });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('failing since');
    expect(text).toContain('4 failed reads so far');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('shows a healthy connector, one that has not read yet, and nothing when it is off', () => {
    expect(JSON.stringify(connectorBlock({ errors: 0, lastSuccessAt: NOW }))).toContain('last read Azure');
    expect(JSON.stringify(connectorBlock({ errors: 0 }))).toContain('not read Azure yet');
    expect(JSON.stringify(homeView({ userId: 'U0ME', snapshot, deliveryErrors: [] }).blocks)).not.toContain(
      'Defender for Cloud connector',
    );
  });
});
