/**
 * The sender's schedule with the production timings (1 s first backoff, 1 h cap, 24 h retry period),
 * driven by an injected clock against the real Redis: a day of retries takes milliseconds. Each HTTP
 * attempt is scripted here; the real HTTP path is covered by export-delivery.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../src/domain/model.js';
import { parseExportEntry } from '../../src/export/export-message.js';
import { ExportRepository } from '../../src/export/export-repository.js';
import { type DrainResult, Exporter } from '../../src/export/exporter.js';
import { signingKey } from '../../src/export/signature.js';
import type { SendOutcome } from '../../src/export/webhook-sender.js';
import { createLogger } from '../../src/logger.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { ReportRepository } from '../../src/storage/report-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';
import { SECRET } from './receiver.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const redis = testRedis();
let prefix: string;
let ctx: StorageContext;
let clock: number;
const T0 = 1_735_689_600_000;

interface Attempt {
  at: number;
  id: string;
  timestamp: string;
}

function exporter(answer: (attempt: number) => SendOutcome, attempts: Attempt[]) {
  return new Exporter(
    {
      repo: new ExportRepository(ctx),
      logger: createLogger('silent'),
      now: () => clock,
      send: async (_url, headers) => {
        attempts.push({ at: clock, id: headers['webhook-id'], timestamp: headers['webhook-timestamp'] });
        return answer(attempts.length);
      },
    },
    {
      url: 'http://127.0.0.1:9/unused',
      key: signingKey(SECRET),
      timeoutMs: 10_000,
      backoffMs: 1000,
      retryForMs: DAY,
      leaseMs: 40_000,
      maxPerRun: 200,
      maxRunMs: 20_000,
    },
  );
}

/** Runs drains, moving the clock to each retry time, until the list is drained. */
async function drainAll(e: Exporter, id: string): Promise<DrainResult[]> {
  const results: DrainResult[] = [];
  for (let i = 0; i < 500; i++) {
    const r = await e.drain(id);
    results.push(r);
    if (r.kind === 'drained') return results;
    clock = Math.max(clock, r.at);
  }
  throw new Error('never drained');
}

async function withEvents(id: string, ids: string[]) {
  await new SolutionRepository(ctx).create(
    {
      id,
      name: id,
      vendor: 'v',
      family: 'edr',
      source: 'push',
      linkedResources: [],
      lifecycle: 'connected',
      createdAt: T0,
      connectedAt: T0,
      version: 1,
    },
    T0,
    null,
  );
  const events: SecurityEvent[] = ids.map((e) => ({
    id: e,
    solutionId: id,
    severity: 'low',
    title: e,
    observedAt: T0,
    receivedAt: T0,
  }));
  await new ReportRepository(ctx).addEvents(id, events, T0);
  const raw = await redis.lrange(ctx.keys.exportList(id), 0, -1);
  return raw.map((r) => {
    const parsed = parseExportEntry(r);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed.entry.id;
  });
}

const unavailable: SendOutcome = { verdict: 'retry', status: 503, error: 'HTTP 503' };

beforeEach(() => {
  prefix = testPrefix('exporter');
  ctx = storageContext(redis, prefix, { exportEnabled: true });
  clock = T0;
});
afterEach(async () => {
  await cleanupPrefix(redis, prefix);
});

describe('when the receiver answers 503 for more than a day', () => {
  it('retries the head with exponential backoff capped at an hour for 24 h, then fails it, visibly', async () => {
    const [first, second] = await withEvents('down', ['e1', 'e2']);
    const attempts: Attempt[] = [];
    await drainAll(
      exporter(() => unavailable, attempts),
      'down',
    );
    const forFirst = attempts.filter((a) => a.id === first);
    const waits = forFirst.slice(1).map((a, i) => a.at - (forFirst[i] as Attempt).at);
    expect(waits.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect(Math.max(...waits)).toBe(HOUR);
    // Retried for at least a day since it was queued, and not much longer.
    const last = forFirst.at(-1) as Attempt;
    expect(last.at - T0).toBeGreaterThanOrEqual(DAY);
    expect(last.at - T0).toBeLessThan(DAY + HOUR);
    // The same webhook-id on every attempt, each signed at its own time.
    expect(new Set(forFirst.map((a) => a.id)).size).toBe(1);
    expect(forFirst.at(-1)?.timestamp).toBe(String(Math.floor(last.at / 1000)));
    // The second one waited behind it for a day too: one attempt, then it fails as well.
    expect(attempts.filter((a) => a.id === second)).toHaveLength(1);

    const errors = (await redis.lrange(ctx.keys.deliveryErrors, 0, -1)).map((e) => JSON.parse(e));
    expect(errors.map((e) => e.itemId).sort()).toEqual([first, second].sort());
    expect(errors[1].error).toMatch(/^gave up after \d+ attempts over 1d.*: HTTP 503$/);
    expect(await new ExportRepository(ctx).summary()).toMatchObject({ waiting: 0, failed: 2, delivered: 0 });
  });
});

describe('when the receiver comes back after a few hours', () => {
  it('delivers the head on the next attempt and the rest right after, in order', async () => {
    const ids = await withEvents('back', ['e1', 'e2', 'e3']);
    const attempts: Attempt[] = [];
    const e = exporter(
      () => (clock < T0 + 3 * HOUR ? unavailable : { verdict: 'delivered', status: 204 }),
      attempts,
    );
    await drainAll(e, 'back');
    const delivered = attempts.filter((a) => a.at >= T0 + 3 * HOUR).map((a) => a.id);
    expect(delivered).toEqual(ids);
    expect(await new ExportRepository(ctx).summary()).toMatchObject({ waiting: 0, failed: 0, delivered: 3 });
    expect(await redis.exists(ctx.keys.exportRetry('back'), ctx.keys.exportPending)).toBe(0);
  });
});

describe('when the receiver answers 429 with Retry-After', () => {
  it('waits what it asked, not the backoff', async () => {
    await withEvents('slow', ['e1']);
    const attempts: Attempt[] = [];
    const e = exporter(
      (n) =>
        n === 1
          ? { verdict: 'retry', status: 429, error: 'HTTP 429', retryAfterMs: 90_000 }
          : { verdict: 'delivered', status: 200 },
      attempts,
    );
    await drainAll(e, 'slow');
    expect(attempts.map((a) => a.at - T0)).toEqual([0, 90_000]);
  });
});

describe('when the receiver refuses a message with a 4xx', () => {
  it('fails that one at once and goes on with the next', async () => {
    const [first, second] = await withEvents('picky', ['e1', 'e2']);
    const attempts: Attempt[] = [];
    const e = exporter(
      (n) =>
        n === 1
          ? { verdict: 'failed', status: 422, error: 'HTTP 422' }
          : { verdict: 'delivered', status: 200 },
      attempts,
    );
    const results = await drainAll(e, 'picky');
    expect(results).toEqual([{ kind: 'drained', sent: 1 }]);
    expect(attempts.map((a) => a.id)).toEqual([first, second]);
    expect(await new ExportRepository(ctx).summary()).toMatchObject({ waiting: 0, failed: 1, delivered: 1 });
  });
});

describe('when another sender holds the solution', () => {
  it('does not send, and says when to look again', async () => {
    await withEvents('busy', ['e1']);
    const attempts: Attempt[] = [];
    const repo = new ExportRepository(ctx);
    const lease = await repo.acquire('busy', 5000);
    expect('token' in lease).toBe(true);
    const result = await exporter(() => ({ verdict: 'delivered', status: 200 }), attempts).drain('busy');
    expect(result).toMatchObject({ kind: 'later', why: 'busy' });
    expect(attempts).toEqual([]);
  });
});
