/**
 * Helpers for the `/secsol` tests: secsol without a worker, seeded with solution records straight into
 * Redis (one pipeline, so 10 000 take well under a second), and signed slash commands sent through the
 * real endpoint.
 */

import { expect } from 'vitest';
import type { HealthState, Solution } from '../../../src/domain/model.js';
import { solutionNameKey } from '../../../src/domain/solution-name.js';
import type { StorageContext } from '../../../src/storage/context.js';
import { solutionFields } from '../../../src/storage/solution-record.js';
import { memberFor } from '../../../src/storage/status-index.js';
import { SIGNING_SECRET, type TestApp } from '../../harness/app.js';
import { validateMessageBlocks } from '../../harness/fake-slack.js';
import { secsolTest } from '../../harness/fixtures.js';
import { type SendSignedResult, sendSigned, slashCommandBody } from '../../harness/slack-signer.js';

const HOUR = 3_600_000;

/** Slack JSON as the tests read it: arbitrary nested fields. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON fields of Slack messages
export type Json = any;

export interface SeedSpec {
  id: string;
  name?: string;
  vendor?: string;
  /**
   * The state its facts make it judged as (with a 1h + 15m cadence). Default healthy. The stored state is
   * left as not reported, as before the evaluator's first pass, so tests can commit flips into it.
   */
  as?: HealthState | 'discovered';
  consoleUrl?: string;
  owner?: string;
  alertChannel?: string;
  linkedResources?: string[];
  lastEventAt?: number;
  snoozedUntil?: number;
}

/** Each test starts from no solutions (its seeds are deleted after it) and a fake Slack that saw nothing. */
export const commandTest = secsolTest({ worker: false }).extend(
  'forgetSolutions',
  { auto: true },
  ({ app, fake }, { onCleanup }) => {
    onCleanup(async () => {
      await forgetSolutions(app.ctx);
      fake.reset();
    });
    return undefined;
  },
);

/** Deletes every solution and what was recorded about it, in batches (a test may seed 10 000). */
async function forgetSolutions(ctx: StorageContext): Promise<void> {
  const { redis, keys } = ctx;
  const ids = await redis.smembers(keys.solutions);
  for (let i = 0; i < ids.length; i += 1000) {
    const batch = ids.slice(i, i + 1000);
    await redis.unlink(
      ...batch.flatMap((id) => [
        keys.solution(id),
        keys.solutionFlips(id),
        keys.events(id),
        keys.eventIds(id),
        keys.healthHistory(id),
      ]),
    );
  }
  await redis.del(keys.solutions);
}

export function seedFields(spec: SeedSpec, now: number): Record<string, string> {
  const as = spec.as ?? 'healthy';
  const solution: Solution = {
    id: spec.id,
    name: spec.name ?? spec.id,
    vendor: spec.vendor ?? 'Vendor',
    family: 'va',
    source: 'push',
    consoleUrl: spec.consoleUrl,
    owner: spec.owner,
    alertChannel: spec.alertChannel,
    linkedResources: spec.linkedResources ?? [],
    every: HOUR,
    grace: 15 * 60_000,
    lifecycle: as === 'discovered' ? 'discovered' : 'connected',
    createdAt: now - 2 * HOUR,
    connectedAt: as === 'discovered' ? undefined : now - 2 * HOUR,
    version: 1,
  };
  // The committed state is the one named (what the evaluator would have committed), as the read model has it.
  const state = as === 'discovered' ? 'not_reported' : as;
  const fields: Record<string, string> = { ...solutionFields(solution), rev: '1', flipSeq: '0', state };
  if (as === 'healthy' || as === 'unhealthy') {
    fields.lastHealthAt = String(now - 60_000);
    fields.lastHealthStatus = as;
    fields.unhealthyStreak = as === 'unhealthy' ? '1' : '0';
  } else if (as === 'stopped_reporting') {
    fields.lastHealthAt = String(now - 3 * HOUR);
    fields.lastHealthStatus = 'healthy';
  }
  if (spec.lastEventAt !== undefined) fields.lastEventAt = String(spec.lastEventAt);
  if (spec.snoozedUntil !== undefined) fields.snoozedUntil = String(spec.snoozedUntil);
  return fields;
}

export async function seed(ctx: StorageContext, specs: SeedSpec[], now = Date.now()): Promise<void> {
  for (let i = 0; i < specs.length; i += 2000) {
    const pipeline = ctx.redis.pipeline();
    for (const spec of specs.slice(i, i + 2000)) {
      const fields = seedFields(spec, now);
      // As the create script writes them: the name index and the used-id set too.
      const nameKey = solutionNameKey(fields.name ?? spec.id);
      pipeline.hset(ctx.keys.solution(spec.id), { ...fields, nameKey });
      pipeline.sadd(ctx.keys.solutions, spec.id);
      pipeline.sadd(ctx.keys.usedIds, spec.id);
      pipeline.hset(ctx.keys.names, nameKey, spec.id);
      const member = memberFor(fields.lifecycle ?? '', fields.state as HealthState, spec.id);
      if (member) pipeline.zadd(ctx.keys.statusIndex, 0, member);
    }
    await pipeline.exec();
  }
}

/** A mix of every state (and some discovered), worst states rarer, as in real life. */
export function mixedSpecs(n: number): SeedSpec[] {
  const states: (HealthState | 'discovered')[] = [
    'healthy',
    'healthy',
    'healthy',
    'unhealthy',
    'stopped_reporting',
    'not_reported',
    'healthy',
    'discovered',
  ];
  return Array.from({ length: n }, (_, i) => ({
    id: `sol-${String(i).padStart(5, '0')}`,
    name: `Solution ${i}`,
    as: states[i % states.length],
  }));
}

export interface SlashResult extends SendSignedResult {
  body: Json;
}

export async function slash(
  app: TestApp,
  text: string,
  fields: Record<string, string> = {},
): Promise<SlashResult> {
  const res = await sendSigned(
    `${app.url}/slack/events`,
    slashCommandBody({ text, user_id: 'U1', ...fields }),
    {
      secret: SIGNING_SECRET,
    },
  );
  expect(res.status).toBe(200);
  return { ...res, body: res.json };
}

/** Valid Block Kit, at most 50 blocks, text present; returns the message's text and blocks as one string. */
export function expectValidMessage(message: Json): string {
  expect(message).toBeTruthy();
  expect(typeof message.text).toBe('string');
  expect(message.text.length).toBeGreaterThan(0);
  if (message.blocks !== undefined) {
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  }
  return JSON.stringify(message);
}
