/**
 * The commit scripts append the export entry in the same atomic step as the flip or event they report
 * (so a crash right after the commit loses nothing), only when export is on, and the export list's
 * compare-and-set steps act on the head they were given only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../src/domain/model.js';
import { exportMessageId, parseExportEntry } from '../../src/export/export-message.js';
import { ExportRepository } from '../../src/export/export-repository.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const redis = testRedis();
let prefix: string;
let on: StorageContext;
let off: StorageContext;
const T0 = 1_735_689_600_000;

beforeEach(() => {
  prefix = testPrefix('export-append');
  on = storageContext(redis, prefix, { exportEnabled: true });
  off = storageContext(redis, prefix);
});
afterEach(async () => {
  await cleanupPrefix(redis, prefix);
});

async function connected(id: string, createdAt = T0) {
  await new SolutionRepository(on).create(
    {
      id,
      name: `${id} name`,
      vendor: 'Vendor',
      family: 'waf',
      source: 'push',
      linkedResources: [],
      lifecycle: 'connected',
      createdAt,
      connectedAt: createdAt,
      version: 1,
    },
    createdAt,
    createdAt,
  );
}

function flipHealthy(ctx: StorageContext, id: string, now = T0 + 1000) {
  return new FlipRepository(ctx).commit({
    solutionId: id,
    expectedRev: 1,
    expectedState: 'not_reported',
    expectedSeq: 0,
    newState: 'healthy',
    at: now,
    reason: 'last health report just now',
    deadline: now + 60_000,
    kind: 'quiet',
    channel: 'C0TEST',
    now,
  });
}

function event(id: string, solutionId: string): SecurityEvent {
  return { id, solutionId, severity: 'informational', title: `event ${id}`, observedAt: T0, receivedAt: T0 };
}

async function list(ctx: StorageContext, id: string) {
  return (await redis.lrange(ctx.keys.exportList(id), 0, -1)).map((raw) => {
    const parsed = parseExportEntry(raw);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.entry;
  });
}

describe('when export is on', () => {
  it('appends every flip, quiet ones too, with the id derived from the flip and the solution', async () => {
    await connected('waf-1');
    const result = await flipHealthy(on, 'waf-1');
    expect(result.outcome).toBe('flip');
    const [entry, ...rest] = await list(on, 'waf-1');
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      type: 'flip',
      id: exportMessageId('flip', 'waf-1', T0, 'flip-waf-1-1'),
      solutionId: 'waf-1',
      name: 'waf-1 name',
      vendor: 'Vendor',
      family: 'waf',
      source: 'push',
      flipId: 'flip-waf-1-1',
      from: 'not_reported',
      to: 'healthy',
      at: T0 + 1000,
      queuedAt: T0 + 1000,
    });
    expect(await redis.zscore(on.keys.exportPending, 'waf-1')).toBe(String(T0 + 1000));
  });

  it('appends nothing for a commit that wrote no flip', async () => {
    await connected('waf-2');
    await flipHealthy(on, 'waf-2');
    expect((await flipHealthy(on, 'waf-2')).outcome).toBe('same');
    expect(await list(on, 'waf-2')).toHaveLength(1);
  });

  it('appends each new event once, in order, and not the duplicates', async () => {
    await connected('edr-1');
    const reports = new ReportRepository(on);
    await reports.addEvents('edr-1', [event('a', 'edr-1'), event('b', 'edr-1')], T0);
    await reports.addEvents('edr-1', [event('b', 'edr-1'), event('c', 'edr-1')], T0 + 5);
    const entries = await list(on, 'edr-1');
    expect(entries.map((e) => (e.type === 'event' ? e.event.id : e.flipId))).toEqual(['a', 'b', 'c']);
    expect(entries[0]?.id).toBe(exportMessageId('event', 'edr-1', T0, 'a'));
    // The first append set the pending time; later ones keep it (NX).
    expect(await redis.zscore(on.keys.exportPending, 'edr-1')).toBe(String(T0));
  });

  it('gives a solution created again under the same id new message ids', async () => {
    await connected('again');
    await flipHealthy(on, 'again');
    await new SolutionRepository(on).delete('again');
    await connected('again', T0 + 10_000);
    await flipHealthy(on, 'again', T0 + 11_000);
    const [first, second] = await list(on, 'again');
    expect(first?.id).not.toBe(second?.id);
  });
});

describe('when export is off', () => {
  it('appends nothing', async () => {
    await connected('quiet');
    await flipHealthy(off, 'quiet');
    await new ReportRepository(off).addEvents('quiet', [event('a', 'quiet')], T0);
    expect(await redis.exists(off.keys.exportList('quiet'), off.keys.exportPending)).toBe(0);
  });
});

describe('the export list steps', () => {
  it('act only on the head they were given', async () => {
    await connected('cas');
    await new ReportRepository(on).addEvents('cas', [event('a', 'cas'), event('b', 'cas')], T0);
    const repo = new ExportRepository(on);
    const head = (await repo.head('cas')) as string;
    const second = (await redis.lindex(on.keys.exportList('cas'), 1)) as string;
    expect(await repo.ack('cas', second)).toBe(false);
    expect(await repo.hold('cas', second, { id: 'x', attempts: 1, nextAt: 0, lastError: '' })).toBe(false);
    expect(await repo.fail('cas', second, { messageId: 'msg_x', error: 'e', at: T0 })).toBe(false);
    expect(await repo.ack('cas', head)).toBe(true);
    expect(await repo.ack('cas', head)).toBe(false);
    expect(await repo.settle('cas')).toBe(false);
    expect(await repo.ack('cas', second)).toBe(true);
    expect(await repo.settle('cas')).toBe(true);
    expect(await redis.zscore(on.keys.exportPending, 'cas')).toBeNull();
    expect((await repo.summary()).delivered).toBe(2);
  });

  it('fail keeps the message for a re-drive, which puts it back once at the end of the list', async () => {
    await connected('redrive');
    await new ReportRepository(on).addEvents('redrive', [event('a', 'redrive'), event('b', 'redrive')], T0);
    const repo = new ExportRepository(on);
    const head = (await repo.head('redrive')) as string;
    const [a] = await list(on, 'redrive');
    expect(await repo.fail('redrive', head, { messageId: a?.id as string, error: 'HTTP 400', at: T0 })).toBe(
      true,
    );
    const errors = await redis.lrange(on.keys.deliveryErrors, 0, -1);
    expect(JSON.parse(errors[0] as string)).toEqual({
      at: T0,
      itemId: a?.id,
      solutionId: 'redrive',
      channel: 'export',
      kind: 'export',
      error: 'HTTP 400',
    });
    expect(await repo.summary()).toMatchObject({ waiting: 1, failed: 1, delivered: 0 });

    expect(await repo.redrive(a?.id as string, T0 + 99)).toEqual({
      outcome: 'requeued',
      solutionId: 'redrive',
    });
    expect(await repo.redrive(a?.id as string, T0 + 99)).toEqual({ outcome: 'missing' });
    const entries = await list(on, 'redrive');
    expect(entries.map((e) => e.id)).toEqual([entries[0]?.id, a?.id]);
    expect(entries[1]?.queuedAt).toBe(T0 + 99);
  });
});
