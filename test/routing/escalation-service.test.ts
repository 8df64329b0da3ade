/**
 * Escalation and maintenance releases on the real Redis with an injected clock (minutes pass at once):
 * exactly once across a crashed claimer and two racing workers; snooze and maintenance cancel escalation.
 */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../src/outbox/outbox.js';
import { EscalationService } from '../../src/services/escalation-service.js';
import { IncidentService } from '../../src/services/incident-service.js';
import { MaintenanceService } from '../../src/services/maintenance-service.js';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { FlipRepository } from '../../src/storage/flip-repository.js';
import { MaintenanceRepository } from '../../src/storage/maintenance-repository.js';
import { CLAIM_LEASE_MS, ScheduleRepository } from '../../src/storage/schedule-repository.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const prefix = testPrefix('escalation');
const redis = testRedis();
const START = 1_700_000_000_000;
const AFTER = 30 * 60_000;
let now = START;
const clock = () => now;
let ctx: StorageContext;
let queue: Queue;
let solutions: SolutionRepository;
let schedule: ScheduleRepository;
let incidents: IncidentService;
let maintenance: MaintenanceService;
let escalations: () => EscalationService;

beforeAll(() => {
  ctx = storageContext(redis, prefix);
  queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  const delivery = new DeliveryRepository(ctx);
  solutions = new SolutionRepository(ctx);
  const audit = new AuditRepository(ctx);
  const flips = new FlipRepository(ctx);
  const outbox = new Outbox({
    delivery,
    keys: ctx.keys,
    queue,
    policy: { attempts: 1, backoffMs: 100 },
    now: clock,
  });
  schedule = new ScheduleRepository(ctx, ctx.keys.escalations);
  incidents = new IncidentService({
    solutions,
    flips,
    delivery,
    audit,
    outbox,
    now: clock,
    escalation: { schedule, afterMs: AFTER },
  });
  maintenance = new MaintenanceService({
    windows: new MaintenanceRepository(ctx),
    ends: new ScheduleRepository(ctx, ctx.keys.maintenanceEnds),
    solutions,
    audit,
    outbox,
    defaultChannel: 'C0ALERTS',
    now: clock,
  });
  escalations = () =>
    new EscalationService({
      schedule,
      solutions,
      flips,
      outbox,
      maintenance,
      afterMs: AFTER,
      usergroup: 'S0ONCALL',
      now: clock,
    });
});
afterAll(async () => {
  await queue.close();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

async function openIncident(id: string): Promise<string> {
  now += 1000;
  await solutions.create(
    {
      id,
      name: id,
      vendor: 'v',
      family: 'va',
      source: 'push',
      linkedResources: [],
      lifecycle: 'connected',
      createdAt: now,
      connectedAt: now,
      version: 1,
    },
    now,
    null,
  );
  const flipId = `flip-${id}-1`;
  await redis.hset(ctx.keys.solution(id), { state: 'unhealthy', flipSeq: '1' });
  await redis.hset(ctx.keys.flip(flipId), {
    id: flipId,
    solutionId: id,
    from: 'healthy',
    to: 'unhealthy',
    at: String(now),
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

const itemExists = async (flipId: string) => (await redis.exists(ctx.keys.escalation(`esc-${flipId}`))) === 1;

describe('escalation', () => {
  it('is written once although its first claimer crashed, and once more never', async () => {
    const flipId = await openIncident('crashy');
    expect(Number(await redis.zscore(ctx.keys.escalations, flipId))).toBe(now + AFTER);
    now += AFTER;
    // A worker claims it and dies before writing anything.
    const [due] = await schedule.due(now);
    expect(due?.member).toBe(flipId);
    expect(await schedule.claim(flipId, due?.score as number, now)).toBe(true);
    expect(await escalations().escalateDue(now)).toEqual([]);
    // When its lease ends, another worker takes it over.
    now += CLAIM_LEASE_MS + 1;
    expect(await escalations().escalateDue(now)).toEqual([`esc-${flipId}`]);
    expect(await redis.zscore(ctx.keys.escalations, flipId)).toBeNull();
    const item = await redis.hgetall(ctx.keys.escalation(`esc-${flipId}`));
    expect(item).toMatchObject({ channel: 'C0ALERTS', threadTs: '1700000000.000100', usergroup: 'S0ONCALL' });
    // A claimer that wrote the item but died before removing the entry: the next one writes nothing.
    await schedule.schedule(flipId, now);
    expect(await escalations().escalateDue(now)).toEqual([]);
    expect(await redis.zscore(ctx.keys.escalations, flipId)).toBeNull();
  });

  it('is written once by two workers racing on it', async () => {
    const flipId = await openIncident('racy');
    now += AFTER;
    const written = await Promise.all([escalations().escalateDue(now), escalations().escalateDue(now)]);
    expect(written.flat()).toEqual([`esc-${flipId}`]);
  });

  it('is cancelled by a snooze, by maintenance and by acknowledge', async () => {
    const snoozed = await openIncident('snoozed');
    await incidents.snooze('snoozed', now + 3_600_000, 'U0A', { action: 'incident.snooze', detail: '1h' });
    expect(await redis.zscore(ctx.keys.escalations, snoozed)).toBeNull();

    const acked = await openIncident('acked');
    expect((await incidents.acknowledge('acked', acked, 'U0B')).outcome).toBe('applied');
    expect(await redis.zscore(ctx.keys.escalations, acked)).toBeNull();

    const planned = await openIncident('planned');
    const created = await maintenance.create(
      { solutions: ['planned'], durationMs: 2 * AFTER, reason: 'upgrade' },
      'admin-api',
    );
    expect(created.outcome).toBe('created');
    now += AFTER;
    expect(await escalations().escalateDue(now)).toEqual([]);
    expect(await redis.zscore(ctx.keys.escalations, planned)).toBeNull();
    expect(await itemExists(planned)).toBe(false);
  });
});

describe('a maintenance release', () => {
  it('is written once per held, still-bad solution by two workers racing on the window end', async () => {
    await openIncident('held-a');
    await openIncident('held-b');
    // Their incidents never posted: the window held them.
    for (const id of ['held-a', 'held-b']) await redis.hdel(ctx.keys.solution(id), 'incidentFlip');
    await redis.hset(ctx.keys.solution('held-b'), { state: 'healthy' });
    const created = await maintenance.create(
      { solutions: 'all', durationMs: 60_000, reason: '' },
      'admin-api',
    );
    if (created.outcome !== 'created') throw new Error('not created');
    const held = await maintenance.holding('held-a', now);
    expect(held?.windowId).toBe(created.window.id);
    for (const id of ['held-a', 'held-b'])
      await maintenance.markHeld(held?.member as string, id, held?.end as number);
    now += 60_000;
    const written = await Promise.all([maintenance.releaseDue(now), maintenance.releaseDue(now)]);
    expect(written.flat()).toEqual([`${created.window.id}-${held?.end ? held.end - 60_000 : 0}-held-a`]);
    expect(await maintenance.holding('held-a', now)).toBeNull();
  });
});
