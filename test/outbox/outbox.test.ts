/**
 * The outbox on the real Redis: an item and its job in one call, the job carrying its kind; a lost job
 * queued again from the outbox its kind waits in; an operator's re-drive by id; edits of one message
 * coalescing; and a deliver job that can never be valid failing for good.
 */
import { Queue, UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS, parseDeliverJob, parseItem } from '../../src/outbox/kinds.js';
import { Outbox } from '../../src/outbox/outbox.js';
import { type StorageContext, storageContext } from '../../src/storage/context.js';
import { DeliveryRepository } from '../../src/storage/delivery-repository.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';

const prefix = testPrefix('outbox');
const redis = testRedis();
let ctx: StorageContext;
let queue: Queue;
let delivery: DeliveryRepository;
let outbox: Outbox;
let now = 1_700_000_000_000;

beforeAll(() => {
  ctx = storageContext(redis, prefix);
  queue = new Queue('deliver', { connection: redis, prefix: ctx.keys.bullPrefix });
  delivery = new DeliveryRepository(ctx);
  outbox = new Outbox({
    delivery,
    keys: ctx.keys,
    queue,
    policy: { attempts: 4, backoffMs: 250 },
    now: () => now,
  });
});
afterAll(async () => {
  await queue.close();
  await cleanupPrefix(redis, prefix);
  redis.disconnect();
});

describe('Outbox.add', () => {
  it('writes the item where its kind says, and queues { kind, itemId } with the retry policy', async () => {
    await outbox.add('ops', { id: 'ops-one', channel: 'C0OPS', fields: { text: 'hello' } });
    const hash = await redis.hgetall(ctx.keys.opsNotice('ops-one'));
    expect(hash).toMatchObject({ id: 'ops-one', channel: 'C0OPS', delivery: 'pending', text: 'hello' });
    expect(await redis.zscore(ctx.keys.kindOutbox('ops'), 'ops-one')).toBe(String(now));
    // Not in the channel's backlog: only flips are counted for a digest.
    expect(await redis.zcard(ctx.keys.channelOutbox('C0OPS'))).toBe(0);
    const job = await queue.getJob('ops-one');
    expect(job?.data).toEqual({ kind: 'ops', itemId: 'ops-one' });
    expect(job?.opts).toMatchObject({ attempts: 4, backoff: { type: 'exponential', delay: 250 } });
    expect(parseItem('ops', hash)).toMatchObject({ text: 'hello' });
  });

  it('addMany writes a storm of items in one step and queues them together', async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({
      id: `ops-storm-${i}`,
      channel: 'C0OPS',
      fields: {},
    }));
    await outbox.addMany('ops', items);
    expect(await redis.zcount(ctx.keys.kindOutbox('ops'), '-inf', '+inf')).toBeGreaterThanOrEqual(20);
    expect(await queue.getJob('ops-storm-19')).toBeDefined();
  });
});

describe('a lost job', () => {
  it('is queued again, with its kind, from the outbox its kind waits in', async () => {
    await outbox.add('ops', { id: 'ops-lost', channel: 'C0OPS', fields: {} });
    await queue.remove('ops-lost');
    now += 60_000;
    expect(await outbox.requeueStuck(now - 15_000)).toBeGreaterThanOrEqual(1);
    expect((await queue.getJob('ops-lost'))?.data).toEqual({ kind: 'ops', itemId: 'ops-lost' });
  });
});

describe("an operator's re-drive", () => {
  it('finds the kind in the failure record and puts the item back in its outbox', async () => {
    const addr = outbox.address({ kind: 'ops', itemId: 'ops-failed' });
    await outbox.add('ops', { id: 'ops-failed', channel: 'C0OPS', fields: {} });
    await delivery.finish(addr, 'C0OPS', 'failed', { error: 'not_in_channel' }, now);
    await delivery.recordError({ at: now, itemId: 'ops-failed', kind: 'ops', channel: 'C0OPS', error: 'x' });
    expect(await redis.zscore(ctx.keys.kindOutbox('ops'), 'ops-failed')).toBeNull();

    expect(await outbox.redrive('ops-failed')).toBe('requeued');
    expect(await redis.hget(addr.key, 'delivery')).toBe('pending');
    expect(await redis.zscore(ctx.keys.kindOutbox('ops'), 'ops-failed')).not.toBeNull();
    expect(await outbox.redrive('ops-failed')).toBe('not-failed');
    expect(await outbox.redrive('ops-never-failed')).toBe('missing');
  });
});

describe('edits of one message', () => {
  it('coalesce while one waits, and a new one is added once the waiting one has read the state', async () => {
    const edit = (id: string) => ({
      id,
      channel: 'C0A',
      fields: { solutionId: 's', incidentFlip: 'flip-s-1' },
    });
    expect(await outbox.addEdit('incident-edit', 'flip-s-1', edit('edit-1'))).toBe(true);
    expect(await outbox.addEdit('incident-edit', 'flip-s-1', edit('edit-2'))).toBe(false);
    expect(await redis.exists(ctx.keys.messageEdit('edit-2'))).toBe(0);
    // Only the slot's holder frees it.
    await delivery.releaseEdit('flip-s-1', 'edit-2');
    expect(await outbox.addEdit('incident-edit', 'flip-s-1', edit('edit-3'))).toBe(false);
    await delivery.releaseEdit('flip-s-1', 'edit-1');
    expect(await outbox.addEdit('incident-edit', 'flip-s-1', edit('edit-3'))).toBe(true);
  });
});

describe('the deliver job', () => {
  it('is validated: an unknown kind, an id of another shape or extra fields fail for good', () => {
    expect(parseDeliverJob({ kind: 'flip', itemId: 'flip-a-1' })).toEqual({
      kind: 'flip',
      itemId: 'flip-a-1',
    });
    for (const bad of [
      { itemId: 'flip-a-1' },
      { kind: 'nope', itemId: 'x' },
      { kind: 'flip', itemId: 'a:b' },
      { kind: 'flip', itemId: 'flip-a-1', token: 'xoxb' },
    ]) {
      expect(() => parseDeliverJob(bad)).toThrow(UnrecoverableError);
    }
  });

  it('names an item whose stored hash its kind parses, or the item is corrupt for good', () => {
    expect(Object.keys(KINDS)).toEqual(
      expect.arrayContaining([
        'flip',
        'digest',
        'event-batch',
        'approval',
        'approval-edit',
        'incident-edit',
        'ops',
        'reminder',
      ]),
    );
    expect(() => parseItem('reminder', { id: 'rem-1', channel: 'C0A', delivery: 'pending' })).toThrow(
      UnrecoverableError,
    );
  });

  it('reads an event batch that names its events, and one written before that with copies', () => {
    const item = { id: 'evb-a-1', channel: 'C0A', delivery: 'pending', solutionId: 'a' };
    expect(parseItem('event-batch', { ...item, eventRefs: '[["e1",4],["e2",0]]' }).eventRefs).toEqual([
      { id: 'e1', seq: 4 },
      { id: 'e2', seq: 0 },
    ]);
    const copy = { id: 'e1', solutionId: 'a', severity: 'high', title: 't', observedAt: 1, receivedAt: 2 };
    expect(parseItem('event-batch', { ...item, events: JSON.stringify([copy]) }).events).toEqual([copy]);
    const bads: Record<string, string>[] = [{}, { eventRefs: '[["e1",-1]]' }, { eventRefs: 'nope' }];
    for (const bad of bads)
      expect(() => parseItem('event-batch', { ...item, ...bad })).toThrow(UnrecoverableError);
  });
});
