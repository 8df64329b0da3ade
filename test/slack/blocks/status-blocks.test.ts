/**
 * The status builders as pure functions, with large and hostile inputs: the message stays valid Block Kit,
 * at most 50 blocks, whatever the number of solutions, the page asked for, or the names.
 */
import { describe, expect, it } from 'vitest';
import type { HealthPolicy } from '../../../src/domain/health.js';
import { buildSnapshot } from '../../../src/services/status-service.js';
import {
  countsText,
  discoveredMessage,
  pageCount,
  STATUS_PAGE_SIZE,
  statusMessage,
} from '../../../src/slack/blocks/status-blocks.js';
import { parseSolutionHash } from '../../../src/storage/solution-record.js';
import { validateMessageBlocks } from '../../harness/fake-slack.js';
import { type Json, mixedSpecs, type SeedSpec, seedFields } from '../commands/command-helpers.js';

const NOW = Date.UTC(2025, 5, 1, 12);
const DEFAULTS: HealthPolicy = {
  every: 3_600_000,
  grace: 900_000,
  silenceWindow: 14 * 86_400_000,
  unhealthyThreshold: 1,
};

function snapshotOf(specs: SeedSpec[]) {
  return buildSnapshot(
    specs.map((s) => parseSolutionHash(seedFields(s, NOW))),
    DEFAULTS,
    NOW,
  );
}

function textLength(blocks: Json[]): number {
  let n = 0;
  for (const b of blocks) {
    n += b.text?.text?.length ?? 0;
    for (const f of b.fields ?? []) n += f.text.length;
    for (const e of b.elements ?? []) n += e.text?.length ?? 0;
  }
  return n;
}

function expectValid(message: { text: string; blocks: Json[] }) {
  expect(validateMessageBlocks(message.blocks)).toEqual([]);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  // Slack also refuses a message whose blocks hold too much text in total (msg_blocks_too_long, ~12k).
  expect(textLength(message.blocks)).toBeLessThan(12_000);
  expect(message.text.length).toBeGreaterThan(0);
}

const views = (blocks: Json[]) =>
  blocks
    .filter((b) => b.accessory?.action_id === 'solution_view')
    .map((b) => JSON.parse(b.accessory.value).s);

describe('buildSnapshot', () => {
  it('counts per state and sorts connected solutions worst first, then by name', () => {
    const snap = snapshotOf([
      { id: 'h-b', name: 'b healthy', as: 'healthy' },
      { id: 'h-a', name: 'A healthy', as: 'healthy' },
      { id: 'nr', as: 'not_reported' },
      { id: 'sr', as: 'stopped_reporting' },
      { id: 'un', as: 'unhealthy' },
      { id: 'd1', as: 'discovered' },
    ]);
    expect(snap.connected.map((j) => j.record.solution.id)).toEqual(['un', 'sr', 'nr', 'h-a', 'h-b']);
    expect(snap.counts).toEqual({ healthy: 2, unhealthy: 1, stopped_reporting: 1, not_reported: 1 });
    expect(snap.discovered.map((r) => r.solution.id)).toEqual(['d1']);
    expect(countsText(snap.counts, 1)).toBe(
      '5 connected security solutions: 1 unhealthy, 1 stopped reporting, 1 not reported, 2 healthy; 1 discovered',
    );
  });
});

describe('statusMessage', () => {
  for (const n of [0, 1, 50, 1000, 10_000]) {
    it(`is valid with ${n} solutions, showing the worst ${STATUS_PAGE_SIZE} and how many more`, () => {
      const snap = snapshotOf(mixedSpecs(n));
      const message = statusMessage(snap);
      expectValid(message);
      const shown = views(message.blocks);
      expect(shown).toHaveLength(Math.min(STATUS_PAGE_SIZE, snap.connected.length));
      expect(shown).toEqual(snap.connected.slice(0, STATUS_PAGE_SIZE).map((j) => j.record.solution.id));
      const json = JSON.stringify(message.blocks);
      if (snap.connected.length > STATUS_PAGE_SIZE) {
        expect(json).toContain(
          `…and ${(snap.connected.length - STATUS_PAGE_SIZE).toLocaleString('en-US')} more`,
        );
      }
    });
  }

  it('walks every page of 1,000 solutions once, in order, each page valid', () => {
    const snap = snapshotOf(mixedSpecs(1000));
    const pages = pageCount(snap.connected.length);
    const seen: string[] = [];
    for (let p = 0; p < pages; p++) {
      const message = statusMessage(snap, { page: p });
      expectValid(message);
      const nav = message.blocks
        .filter((b: Json) => b.accessory?.action_id === 'status_page')
        .map((b: Json) => JSON.parse(b.accessory.value).p);
      expect(nav).toEqual([...(p < pages - 1 ? [p + 1] : []), ...(p > 0 ? [p - 1] : [])]);
      seen.push(...views(message.blocks));
    }
    expect(seen).toEqual(snap.connected.map((j) => j.record.solution.id));
  });

  it('clamps a page past the end (a stale button) to the last page', () => {
    const snap = snapshotOf(mixedSpecs(100));
    const message = statusMessage(snap, { page: 10_000 });
    expectValid(message);
    expect(views(message.blocks)).toEqual(
      snap.connected
        .slice((pageCount(snap.connected.length) - 1) * STATUS_PAGE_SIZE)
        .map((j) => j.record.solution.id),
    );
  });

  it('stays within limits with very long, hostile names and many discovered solutions', () => {
    const evil = '<!channel>&<@U1>'.repeat(500);
    const specs: SeedSpec[] = [
      ...Array.from({ length: 300 }, (_, i) => ({
        id: `e${i}`,
        name: `${evil}${i}`,
        vendor: evil,
        as: 'unhealthy' as const,
        lastEventAt: NOW,
      })),
      ...Array.from({ length: 1000 }, (_, i) => ({
        id: `d${i}`,
        name: evil,
        vendor: evil,
        as: 'discovered' as const,
      })),
    ];
    const snap = snapshotOf(specs);
    for (const message of [
      statusMessage(snap),
      statusMessage(snap, { page: 3 }),
      discoveredMessage(snap.discovered, NOW),
    ]) {
      expectValid(message);
      const json = JSON.stringify(message);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<@U1>');
    }
  });
});

describe('discoveredMessage', () => {
  it('lists at most 30 with Connect and counts the rest', () => {
    const snap = snapshotOf(
      Array.from({ length: 45 }, (_, i) => ({ id: `d${i}`, as: 'discovered' as const })),
    );
    const message = discoveredMessage(snap.discovered, NOW);
    expectValid(message);
    const connect = message.blocks.filter((b: Json) => b.accessory?.action_id === 'discovered_connect');
    expect(connect).toHaveLength(30);
    expect(JSON.stringify(message.blocks)).toContain('…and 15 more');
  });
});
