/**
 * The deliver job's mechanics: one job per outbox item, `{ kind, itemId }`, routed by kind to its handler
 * (handlers/) and run through the pipeline's steps (pipeline.ts).
 *
 * All writes to one channel go through that channel's lease, so they are serial across every worker
 * process and about one per second (Slack's per-channel pace). Slack's answer decides what follows a
 * failure: wait out a 429 (the whole queue pauses), give up and show a permanent error, or retry with
 * backoff. A step may also ask to run again later (`RetryLater`), which is not an attempt.
 */
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from '../logger.js';
import { classifySlackError } from '../slack/web-client.js';
import type { DeliveryRepository } from '../storage/delivery-repository.js';
import { HANDLERS } from './handlers/index.js';
import { type ItemRef, type Kind, parseDeliverJob, parseItem, yieldsToAlerts } from './kinds.js';
import { FINAL, type PipelineDeps, RetryLater, runSteps } from './pipeline.js';

export interface DelivererOptions {
  /** How long a channel lease lives if its holder dies mid-send. */
  leaseMs: number;
  /** Gap kept after each write to a channel. */
  paceMs: number;
}

export interface DelivererDeps {
  pipeline: Omit<PipelineDeps, 'runItem'>;
  logger: Logger;
  /** Pauses the deliver queue after a 429 (BullMQ's worker.rateLimit). */
  rateLimit: (ms: number) => Promise<void>;
  rateLimitError: () => Error;
}

export class Deliverer {
  /** Channel leases this process holds right now (channel -> token), to hand back on a forced stop. */
  private readonly held = new Map<string, string>();
  private readonly pipeline: PipelineDeps;

  constructor(
    private readonly deps: DelivererDeps,
    private readonly opts: DelivererOptions,
  ) {
    this.pipeline = { ...deps.pipeline, runItem: (ref) => this.run(ref) };
  }

  private get delivery(): DeliveryRepository {
    return this.deps.pipeline.delivery;
  }

  async process(job: Job, token: string | undefined): Promise<string> {
    const ref = parseDeliverJob(job.data);
    const addr = this.pipeline.outbox.address(ref);
    const item = await this.delivery.getItem(addr);
    if (!item) {
      await this.delivery.dropFromOutbox(addr, undefined);
      return 'gone';
    }
    const channel = item.channel;
    if (!channel) throw new UnrecoverableError(`delivery item ${ref.itemId} has no channel`);
    if (FINAL.has(item.delivery ?? '')) {
      await this.delivery.dropFromOutbox(addr, channel);
      return 'already-done';
    }
    // Approval requests give way to alerts waiting for the same channel (the lease's claim, in
    // acquireChannel). Chosen over BullMQ job priorities: a priority only orders which job a worker takes
    // next, while the wait happens at the channel's lease, where every delayed job wakes and races again.
    // Giving way happens before the lease is taken and nothing is sent, so exactly-once is untouched.
    const lease = await this.delivery.acquireChannel(channel, this.opts.leaseMs, {
      yields: yieldsToAlerts(ref.kind),
    });
    if ('waitMs' in lease) return this.delay(job, token, lease.waitMs + Math.floor(Math.random() * 100));
    this.held.set(`${channel}\n${lease.token}`, lease.token);
    let posted = false;
    let later: RetryLater | null = null;
    // After a write the channel keeps a ~1 s gap; after a 429 it stays closed for Retry-After.
    let gapMs = 0;
    try {
      posted = await this.deliverLeased(ref);
      if (posted) gapMs = this.opts.paceMs;
    } catch (err) {
      if (err instanceof RetryLater) later = err;
      else {
        const failure = classifySlackError(err);
        if (failure.kind === 'rate-limited') gapMs = failure.retryAfterMs;
        await this.onError(err, ref, channel, job);
      }
    } finally {
      this.held.delete(`${channel}\n${lease.token}`);
      await this.delivery.releaseChannel(channel, lease.token, gapMs);
    }
    if (later) return this.delay(job, token, later.delayMs);
    this.deps.logger.debug({ ...ref, channel, posted }, 'delivered');
    return posted ? 'posted' : 'settled';
  }

  private async delay(job: Job, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  /** Under the lease: the item again (another worker may have finished it), then its steps. */
  private async deliverLeased(ref: ItemRef): Promise<boolean> {
    const item = await this.delivery.getItem(this.pipeline.outbox.address(ref));
    if (!item || FINAL.has(item.delivery ?? '')) return false;
    return this.run(ref, item);
  }

  /** Parses the item with its kind's schema and runs its handler's steps, whatever its state. */
  private async run<K extends Kind>(ref: ItemRef<K>, known?: Record<string, string>): Promise<boolean> {
    const hash = known ?? (await this.delivery.getItem(this.pipeline.outbox.address(ref)));
    if (!hash) throw new UnrecoverableError(`${ref.kind} ${ref.itemId} is gone`);
    const item = parseItem(ref.kind, hash);
    const steps = await HANDLERS[ref.kind](item, this.pipeline);
    return runSteps(ref, item.channel, steps, this.pipeline);
  }

  /** Slack's answer decides: wait (429), give up and show it (permanent), or retry with backoff. */
  private async onError(err: unknown, ref: ItemRef, channel: string, job: Job): Promise<never> {
    if (err instanceof UnrecoverableError) throw err;
    const failure = classifySlackError(err);
    const { logger } = this.deps;
    if (failure.kind === 'rate-limited') {
      logger.warn(
        { ...ref, channel, retryAfterMs: failure.retryAfterMs },
        'slack rate limited; pausing deliveries',
      );
      await this.deps.rateLimit(failure.retryAfterMs);
      throw this.deps.rateLimitError();
    }
    if (failure.kind === 'permanent') {
      await this.recordFailure(ref, channel, failure.error);
      throw new UnrecoverableError(`slack refused delivery ${ref.itemId}: ${failure.error}`);
    }
    logger.warn(
      { ...ref, channel, error: failure.error, attempt: job.attemptsMade + 1 },
      'delivery failed; will retry',
    );
    throw err instanceof Error ? err : new Error(failure.error);
  }

  /**
   * On a forced stop the sends in flight are abandoned: give their channel leases back at once so that
   * another worker can retry those jobs as soon as they are found stalled, not when the leases expire.
   */
  async releaseHeldLeases(): Promise<void> {
    const entries = [...this.held.keys()];
    this.held.clear();
    await Promise.all(
      entries.map((key) => {
        const [channel, token] = key.split('\n') as [string, string];
        return this.delivery.releaseChannel(channel, token, 0).catch(() => undefined);
      }),
    );
  }

  /** Marks an item failed and visible (App Home, /metrics, the failed deliveries list, its re-drive). */
  async recordFailure(ref: ItemRef, channel: string, error: string): Promise<void> {
    const now = this.pipeline.now();
    const addr = this.pipeline.outbox.address(ref);
    const item = await this.delivery.getItem(addr);
    await this.delivery.finish(addr, channel, 'failed', { error }, now);
    await this.delivery.recordError({
      at: now,
      itemId: ref.itemId,
      kind: ref.kind,
      solutionId: item?.solutionId,
      channel,
      error,
    });
    this.deps.logger.error({ ...ref, channel, error }, 'delivery failed for good');
  }

  /** The failure of a job that used up its attempts (BullMQ's `failed` event). */
  async gaveUp(job: Job, err: Error): Promise<void> {
    const ref = parseDeliverJob(job.data);
    const item = await this.delivery.getItem(this.pipeline.outbox.address(ref));
    if (item?.channel) await this.recordFailure(ref, item.channel, `gave up: ${err.message}`);
  }
}
