/**
 * The producer side of the outbox: `add` writes an item of a kind (its hash and its outbox entry, in one
 * step) and queues its deliver job, with the retry policy inside, so no caller threads attempts and
 * backoff. The job id is the item id: queuing it twice while the job exists is a no-op. Also the two
 * ways an item gets a job again: the re-queue of items whose job was lost, and an operator's re-drive of
 * a failed one.
 */
import type { Queue } from 'bullmq';
import type { DeliveryRepository } from '../storage/delivery-repository.js';
import type { Keys } from '../storage/keys.js';
import { addressOf, type ItemRef, KIND_NAMES, KINDS, type Kind } from './kinds.js';

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export interface OutboxDeps {
  delivery: DeliveryRepository;
  keys: Keys;
  queue: Queue;
  policy: RetryPolicy;
  now: () => number;
}

export interface NewItem {
  id: string;
  channel: string;
  fields: Record<string, string>;
}

/** Kinds whose items are written elsewhere: flips by the evaluator's commit, digests when flips join one. */
type WrittenElsewhere = 'flip' | 'digest';

/** How long a message's pending-edit slot outlives a lost edit item before another edit may be added. */
const EDIT_SLOT_MS = 5 * 60_000;

export class Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  address(ref: ItemRef) {
    return addressOf(this.deps.keys, ref);
  }

  /** Writes one item and queues its delivery. */
  async add(kind: Exclude<Kind, WrittenElsewhere>, item: NewItem, at = this.deps.now()): Promise<void> {
    await this.addMany(kind, [item], at);
  }

  /** Writes many items of one kind in one step, then queues them in one round trip (a storm). */
  async addMany(
    kind: Exclude<Kind, WrittenElsewhere>,
    items: NewItem[],
    at = this.deps.now(),
  ): Promise<void> {
    if (items.length === 0) return;
    const rows = items.map((i) => ({
      addr: this.address({ kind, itemId: i.id }),
      channel: i.channel,
      fields: i.fields,
    }));
    await this.deps.delivery.createItems(rows, at, KINDS[kind].ttlMs);
    await this.enqueue(
      kind,
      items.map((i) => i.id),
    );
  }

  /**
   * Adds an edit of one message unless an edit of it is already waiting: that one re-renders the current
   * state when it runs, so it shows this change too. `message` names the message (e.g. its incident).
   */
  async addEdit(kind: 'incident-edit' | 'approval-edit', message: string, item: NewItem): Promise<boolean> {
    if (!(await this.deps.delivery.claimEdit(message, item.id, EDIT_SLOT_MS))) return false;
    await this.add(kind, item);
    return true;
  }

  /** Queues the deliver jobs of items already written. */
  async enqueue(kind: Kind, itemIds: string[]): Promise<void> {
    if (itemIds.length === 0) return;
    const { attempts, backoffMs } = this.deps.policy;
    await this.deps.queue.addBulk(
      itemIds.map((itemId) => ({
        name: 'deliver',
        data: { kind, itemId } satisfies ItemRef,
        opts: {
          jobId: itemId,
          attempts,
          backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: { count: 1000 },
          removeOnFail: { count: 5000 },
        },
      })),
    );
  }

  /**
   * Items still in an outbox long after they were written lost their job (a crash between the write and
   * the enqueue, or a job removed by hand). Queue them again: the job id makes it idempotent.
   */
  async requeueStuck(olderThan: number): Promise<number> {
    const { delivery, queue, keys } = this.deps;
    let requeued = 0;
    for (const kind of KIND_NAMES) {
      const lost: string[] = [];
      for (const itemId of await delivery.stuck(KINDS[kind].outbox(keys), olderThan)) {
        const state = await queue.getJobState(itemId);
        if (state === 'completed') await queue.remove(itemId);
        if (state === 'unknown' || state === 'completed') lost.push(itemId);
      }
      await this.enqueue(kind, lost);
      requeued += lost.length;
    }
    return requeued;
  }

  /** An operator sends a failed item again (the failure record says its kind). */
  async redrive(itemId: string): Promise<'requeued' | 'not-failed' | 'missing'> {
    const { delivery, queue } = this.deps;
    const failure = await delivery.findError(itemId);
    const kind = KIND_NAMES.find((k) => k === failure?.kind);
    if (!kind) return 'missing';
    const outcome = await delivery.requeueFailed(this.address({ kind, itemId }), this.deps.now());
    if (outcome === 'requeued') {
      // The failed job still holds the item's job id: remove it, or the new one would be ignored.
      await queue.remove(itemId);
      await this.enqueue(kind, [itemId]);
    }
    return outcome;
  }

  /** How many items wait, all kinds together (a gauge). */
  size(): Promise<number> {
    const { keys } = this.deps;
    return this.deps.delivery.outboxSize([...new Set(KIND_NAMES.map((k) => KINDS[k].outbox(keys)))]);
  }

  /** How many items of each kind wait (kinds that share an outbox are counted together under the first). */
  async sizes(): Promise<Record<string, number>> {
    const { keys } = this.deps;
    const byOutbox = new Map<string, Kind>();
    for (const k of KIND_NAMES)
      if (!byOutbox.has(KINDS[k].outbox(keys))) byOutbox.set(KINDS[k].outbox(keys), k);
    const counts = await this.deps.delivery.outboxSizes([...byOutbox.keys()]);
    return Object.fromEntries([...byOutbox.values()].map((k, i) => [k, counts[i] ?? 0]));
  }

  /** Items that reached a final state, per kind and state. */
  finished(): Promise<Record<string, number>> {
    return this.deps.delivery.finishedCounts();
  }
}
