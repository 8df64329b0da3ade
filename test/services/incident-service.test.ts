/**
 * IncidentService on the real Redis: every change to an incident is applied once, audited when a person
 * made it, and has the incident's message edited through the outbox (one waiting edit per message).
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNTIL_RECOVERED } from '../../src/domain/incident.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { IncidentService } from '../../src/services/incident-service.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const prefix = testPrefix('incidents');
const redis = testRedis();
const NOW = 1_700_000_000_000;
const REMIND = 60_000;
let ctx: StorageContext;
let queue: Queue;
let solutions: SolutionRepository;
let audit: AuditRepository;
let incidents: IncidentService;

beforeAll(() => {
  ctx = storageContext(redis, prefix);
  queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  const delivery = new DeliveryRepository(ctx);
  solutions = new SolutionRepository(ctx);
  audit = new AuditRepository(ctx);
  const outbox = new Outbox({
    delivery,
    keys: ctx.keys,
    queue,
    policy: { attempts: 1, backoffMs: 100 },
    now: () => NOW,
  });
  incidents = new IncidentService({
    solutions,
    flips: new FlipRepository(ctx),
    delivery,
    audit,
    outbox,
    now: () => NOW,
    remindEveryMs: REMIND,
  });
});
afterAll(async () => {
  await queue.close();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

/** A connected solution whose incident (flip 2, Unhealthy) was posted as message `ts`. */
async function withOpenIncident(id: string): Promise<string> {
  await solutions.create(
    {
      id,
      name: id,
      vendor: 'v',
      family: 'edr',
      source: 'push',
      linkedResources: [],
      lifecycle: 'connected',
      createdAt: NOW,
      connectedAt: NOW,
      version: 1,
    },
    NOW,
    null,
  );
  const flipId = `flip-${id}-2`;
  await redis.hset(ctx.keys.flip(flipId), {
    id: flipId,
    solutionId: id,
    from: 'healthy',
    to: 'unhealthy',
    at: String(NOW),
    reason: 'unhealthy report',
    kind: 'incident',
    channel: 'C0ALERTS',
    delivery: 'sent',
    ts: '1700000000.000100',
    incidentTs: '1700000000.000100',
  });
  await incidents.opened(id, flipId, { remind: true });
  return flipId;
}

async function editJobs(): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.filter((j) => j.data.kind === 'incident-edit').map((j) => j.id as string);
}

describe('acknowledge', () => {
  it('applies once, audits who, and queues one edit of the incident message', async () => {
    const flipId = await withOpenIncident('ack-edr');
    expect(await redis.zscore(ctx.keys.reminders, flipId)).toBe(String(NOW + REMIND));
    const before = (await editJobs()).length;

    expect(await incidents.acknowledge('ack-edr', flipId, 'U0ONCALL')).toEqual({ outcome: 'applied' });
    expect(await incidents.acknowledge('ack-edr', flipId, 'U0LATE')).toEqual({
      outcome: 'already',
      by: 'U0ONCALL',
    });
    expect(await incidents.acknowledge('ack-edr', 'flip-ack-edr-1', 'U0LATE')).toEqual({ outcome: 'over' });
    expect(await incidents.acknowledge('nobody', flipId, 'U0LATE')).toEqual({ outcome: 'missing' });

    expect((await solutions.get('ack-edr'))?.acknowledgedBy).toBe('U0ONCALL');
    expect(await audit.recent('ack-edr')).toEqual([
      expect.objectContaining({ actor: 'slack:U0ONCALL', action: 'incident.acknowledge', detail: flipId }),
    ]);
    expect((await editJobs()).length).toBe(before + 1);
  });
});

describe('snooze and unsnooze', () => {
  it('coalesce their edits while one waits, and audit each', async () => {
    await withOpenIncident('snooze-waf');
    const before = (await editJobs()).length;
    const action = { action: 'solution.snooze' as const, detail: '1h' };
    expect(await incidents.snooze('snooze-waf', NOW + 3_600_000, 'U1', action)).toBe(true);
    expect(await incidents.unsnooze('snooze-waf', 'U1')).toBe('applied');
    expect(await incidents.unsnooze('snooze-waf', 'U1')).toBe('not-snoozed');
    expect(await incidents.unsnooze('gone', 'U1')).toBe('missing');
    // One edit waits for the message; it will render the state as it is when it runs.
    expect((await editJobs()).length).toBe(before + 1);
    expect((await audit.recent('snooze-waf')).map((a) => `${a.action} ${a.outcome}`)).toEqual([
      'solution.unsnooze applied: was not snoozed',
      'solution.unsnooze applied',
      'solution.snooze applied',
    ]);
  });
});

describe('resolve', () => {
  it('closes the incident, cancels its reminder, remembers it for a relapse and ends a snooze until recovered', async () => {
    const flipId = await withOpenIncident('resolved-va');
    await solutions.snooze('resolved-va', UNTIL_RECOVERED, 'U1');
    await incidents.resolved('resolved-va', flipId, NOW + 5);
    const rec = await solutions.get('resolved-va');
    expect(rec).toMatchObject({ lastIncidentFlip: flipId, lastResolvedAt: NOW + 5 });
    expect(rec?.incidentFlip).toBeUndefined();
    expect(rec?.snoozedUntil).toBeUndefined();
    expect(await redis.zscore(ctx.keys.reminders, flipId)).toBeNull();
  });
});

describe('reminders', () => {
  it('writes a reminder item for a due, open, unacknowledged incident, in its thread', async () => {
    const flipId = await withOpenIncident('remind-ngfw');
    await incidents.remindDue(NOW + REMIND);
    const item = await redis.hgetall(ctx.keys.reminder(`rem-${flipId}-${NOW + REMIND}`));
    expect(item).toMatchObject({
      solutionId: 'remind-ngfw',
      incidentFlip: flipId,
      threadTs: '1700000000.000100',
    });
    expect(await redis.zscore(ctx.keys.reminders, flipId)).toBe(String(NOW + 2 * REMIND));
  });
});
