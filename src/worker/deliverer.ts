/**
 * The deliver job: turns one outbox item into Slack messages, exactly once.
 *
 * All posts to one channel go through that channel's lease, so they are serial across every worker
 * process and about one per second (Slack's per-channel pace). Under the lease the deliverer decides
 * between a message of its own and a digest: when many flips wait for one channel (an outage), they
 * join one digest message that is edited as more arrive, instead of hundreds of messages.
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { formatDuration } from '../domain/duration.js';
import type { Logger } from '../logger.js';
import { type DeliverJob, parseDeliverJob } from '../queue/queues.js';
import {
  type DigestEntry,
  digestMessage,
  eventBatchMessage,
  incidentMessage,
  incidentReply,
  reminderMessage,
} from '../slack/blocks/alert-blocks.js';
import { approvalRequestMessage } from '../slack/blocks/approval-blocks.js';
import { opsNoticeMessage } from '../slack/blocks/ops-blocks.js';
import { classifySlackError } from '../slack/web-client.js';
import type { DeliveryRepository } from '../storage/delivery-repository.js';
import type { EnrollmentRepository } from '../storage/enrollment-repository.js';
import {
  type FlipRecord,
  type FlipRepository,
  flipIdFor,
  flipRecordSchema,
} from '../storage/flip-repository.js';
import { securityEventSchema } from '../storage/report-repository.js';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import type { SlackPoster } from './slack-poster.js';

const FINAL = new Set(['sent', 'held', 'failed', 'digested', 'quiet']);

export interface DelivererOptions {
  /** How long a channel lease lives if its holder dies mid-send. */
  leaseMs: number;
  /** Gap kept after each post to a channel. */
  paceMs: number;
  digestThreshold: number;
  digestWindowMs: number;
  /** Minimum time between two edits of one digest. */
  digestEditEveryMs: number;
  /** A relapse within this long after a recovery reopens the same incident message (flapping). */
  flapWindowMs: number;
  /** How often an open, unacknowledged incident is reminded in its thread. */
  remindEveryMs: number;
}

export interface DelivererDeps {
  solutions: SolutionRepository;
  flips: FlipRepository;
  delivery: DeliveryRepository;
  enrollments: EnrollmentRepository;
  poster: SlackPoster;
  logger: Logger;
  now: () => number;
  /** Pauses the deliver queue after a 429 (BullMQ's worker.rateLimit). */
  rateLimit: (ms: number) => Promise<void>;
  rateLimitError: () => Error;
}

/** Thrown inside the lease to move the job back to delayed once the lease is released. */
class RetryLater {
  constructor(readonly delayMs: number) {}
}

const eventBatchSchema = z.object({
  solutionId: z.string(),
  channel: z.string(),
  events: z.string().transform((s) => z.array(securityEventSchema).parse(JSON.parse(s))),
});

export class Deliverer {
  /** Channel leases this process holds right now (channel -> token), to hand back on a forced stop. */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly deps: DelivererDeps,
    private readonly opts: DelivererOptions,
  ) {}

  async process(job: Job, token: string | undefined): Promise<string> {
    const data: DeliverJob = parseDeliverJob(job.data);
    const { delivery, logger } = this.deps;
    const item = await delivery.getItem(data.itemId);
    if (!item) return 'gone';
    const channel = item.channel;
    if (!channel) throw new UnrecoverableError(`delivery item ${data.itemId} has no channel`);
    if (FINAL.has(item.delivery ?? '')) {
      await delivery.dropFromOutbox(data.itemId, channel);
      return 'already-done';
    }
    const lease = await delivery.acquireChannel(channel, this.opts.leaseMs);
    if ('waitMs' in lease) return this.delay(job, token, lease.waitMs + Math.floor(Math.random() * 100));
    this.held.set(`${channel}\n${lease.token}`, lease.token);
    let posted = false;
    let later: RetryLater | null = null;
    // After a post the channel keeps a ~1 s gap; after a 429 it stays closed for Retry-After.
    let gapMs = 0;
    try {
      posted = await this.deliverLeased(data.itemId, channel);
      if (posted) gapMs = this.opts.paceMs;
    } catch (err) {
      if (err instanceof RetryLater) later = err;
      else {
        const failure = classifySlackError(err);
        if (failure.kind === 'rate-limited') gapMs = failure.retryAfterMs;
        await this.onError(err, data.itemId, channel, job);
      }
    } finally {
      this.held.delete(`${channel}\n${lease.token}`);
      await delivery.releaseChannel(channel, lease.token, gapMs);
    }
    if (later) return this.delay(job, token, later.delayMs);
    logger.debug({ itemId: data.itemId, channel, posted }, 'delivered');
    return posted ? 'posted' : 'settled';
  }

  private async delay(job: Job, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  /** Slack's answer decides: wait (429), give up and show it (permanent), or retry with backoff. */
  private async onError(err: unknown, itemId: string, channel: string, job: Job): Promise<never> {
    if (err instanceof UnrecoverableError) throw err;
    const failure = classifySlackError(err);
    const { logger } = this.deps;
    if (failure.kind === 'rate-limited') {
      logger.warn(
        { itemId, channel, retryAfterMs: failure.retryAfterMs },
        'slack rate limited; pausing deliveries',
      );
      await this.deps.rateLimit(failure.retryAfterMs);
      throw this.deps.rateLimitError();
    }
    if (failure.kind === 'permanent') {
      await this.recordFailure(itemId, channel, failure.error);
      throw new UnrecoverableError(`slack refused delivery ${itemId}: ${failure.error}`);
    }
    logger.warn(
      { itemId, channel, error: failure.error, attempt: job.attemptsMade + 1 },
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
        return this.deps.delivery.releaseChannel(channel, token, 0).catch(() => undefined);
      }),
    );
  }

  /** Marks an item failed and visible (App Home, /metrics, the delivery errors list). */
  async recordFailure(itemId: string, channel: string, error: string): Promise<void> {
    const { delivery, logger } = this.deps;
    const now = this.deps.now();
    const item = await delivery.getItem(itemId);
    await delivery.finish(itemId, channel, 'failed', { error }, now);
    await delivery.recordError({ at: now, itemId, solutionId: item?.solutionId, channel, error });
    logger.error({ itemId, channel, error }, 'delivery failed for good');
  }

  /** Returns true when a message was posted (the channel then keeps its pacing gap). */
  private async deliverLeased(itemId: string, channel: string): Promise<boolean> {
    const item = await this.deps.delivery.getItem(itemId);
    if (!item || FINAL.has(item.delivery ?? '')) return false;
    if (itemId.startsWith('flip-')) return this.deliverFlip(flipRecordSchema.parse(item));
    if (itemId.startsWith('evb-')) return this.deliverEvents(itemId, item);
    if (itemId.startsWith('enr-')) return this.deliverApproval(itemId, channel);
    if (itemId.startsWith('ops-')) return this.deliverOps(itemId, channel, item);
    if (itemId.startsWith('rem-')) return this.deliverReminder(itemId, channel, item);
    throw new UnrecoverableError(`cannot deliver ${itemId}`);
  }

  private async deliverFlip(flip: FlipRecord): Promise<boolean> {
    const { solutions, flips, delivery, poster } = this.deps;
    const now = this.deps.now();
    if (flip.digestId) return this.renderDigest(flip.digestId, flip.channel);

    const rec = await solutions.get(flip.solutionId);
    if (!rec) {
      await delivery.finish(flip.id, flip.channel, 'held', { error: 'solution deleted' }, now);
      return false;
    }
    // Flips of one solution are told in order: a recovery waits for its incident.
    const seq = Number(flip.id.slice(flip.id.lastIndexOf('-') + 1));
    if (seq > 1) {
      const previous = await flips.get(flipIdFor(flip.solutionId, seq - 1));
      if (previous && !FINAL.has(previous.delivery)) throw new RetryLater(500);
    }
    const snoozed = rec.snoozedUntil !== undefined && rec.snoozedUntil > now;
    if (snoozed && flip.kind !== 'recovery') {
      await delivery.finish(flip.id, flip.channel, 'held', { error: 'snoozed' }, now);
      return false;
    }
    if (flip.kind === 'recovery' && rec.snoozedUntil === Number.POSITIVE_INFINITY) {
      await solutions.unsnooze(flip.solutionId);
    }

    const backlog = (await delivery.channelBacklog(flip.channel)).filter((id) => id.startsWith('flip-'));
    const open = await delivery.openDigest(flip.channel);
    if (open || backlog.length >= this.opts.digestThreshold) {
      const digestId = open ?? `dig-${randomUUID()}`;
      await delivery.joinDigest(digestId, flip.channel, backlog, now, this.opts.digestWindowMs);
      return this.renderDigest(digestId, flip.channel);
    }

    const incident = rec.incidentFlip ? await flips.get(rec.incidentFlip) : null;
    const view = (f: FlipRecord, resolved?: FlipRecord) =>
      incidentMessage({
        solution: rec.solution,
        flipId: f.id,
        state: resolved ? f.to : flip.to,
        reason: resolved ? f.reason : flip.reason,
        since: f.at,
        resolved: resolved ? { state: resolved.to, at: resolved.at, reason: resolved.reason } : undefined,
        acknowledgedBy: rec.acknowledgedBy,
        snoozedUntil: rec.snoozedUntil,
        lastMessage: resolved ? undefined : rec.lastHealthMessage,
      });

    if (flip.kind === 'incident') {
      const previous = await this.reopenable(rec, flip);
      if (previous) {
        // Flapping: the same incident message comes back to life instead of a new message per relapse.
        const threadTs = previous.incidentTs ?? (previous.ts as string);
        await poster.update(previous.channel, threadTs, view(previous));
        const lastedMs = flip.at - (rec.lastResolvedAt ?? flip.at);
        const reason = `${flip.reason}. Reopened: it had recovered only ${formatDuration(lastedMs)} before (flapping)`;
        const reply = incidentReply(rec.solution, flip.from, flip.to, reason, previous.at, flip.at);
        const ts = await poster.postOnce(flip.id, previous.channel, reply, {
          threadTs,
          solutionId: rec.solution.id,
          now,
        });
        await this.openIncident(flip, previous.id, ts, threadTs, now);
        return true;
      }
    }
    if (flip.kind === 'incident' || (flip.kind === 'escalation' && !incident?.ts)) {
      const ts = await poster.postOnce(flip.id, flip.channel, view(flip), {
        solutionId: rec.solution.id,
        now,
      });
      await this.openIncident(flip, flip.id, ts, ts, now);
      return true;
    }
    if (!incident?.ts) {
      // A recovery from an incident that was never posted (held while snoozed, or failed): nothing to resolve.
      await delivery.finish(flip.id, flip.channel, 'held', { error: 'no incident message' }, now);
      await solutions.resolveIncident(flip.solutionId, undefined, flip.at);
      return false;
    }
    const threadTs = incident.incidentTs ?? incident.ts;
    if (!incident.digestId) {
      await poster.update(
        incident.channel,
        threadTs,
        flip.kind === 'recovery' ? view(incident, flip) : view({ ...incident, to: flip.to }),
      );
    }
    const reply = incidentReply(rec.solution, flip.from, flip.to, flip.reason, incident.at, flip.at);
    const ts = await poster.postOnce(flip.id, incident.channel, reply, {
      threadTs,
      solutionId: rec.solution.id,
      now,
    });
    await delivery.finish(flip.id, flip.channel, 'sent', { ts, incidentTs: threadTs }, now);
    if (flip.kind === 'recovery') {
      await solutions.resolveIncident(flip.solutionId, incident.id, flip.at);
      await delivery.cancelReminder(incident.id);
    }
    return true;
  }

  /** Records a posted flip as the solution's open incident (a new one, or one reopened) and its reminder. */
  private async openIncident(
    flip: FlipRecord,
    incidentId: string,
    ts: string,
    incidentTs: string,
    now: number,
  ) {
    await this.deps.delivery.finish(flip.id, flip.channel, 'sent', { ts, incidentTs }, now);
    await this.deps.solutions.setIncident(flip.solutionId, incidentId);
    await this.deps.delivery.scheduleReminder(incidentId, now + this.opts.remindEveryMs);
  }

  /** The solution's last incident, if it resolved recently enough (and in a message of its own) to reopen. */
  private async reopenable(rec: SolutionRecord, flip: FlipRecord): Promise<FlipRecord | null> {
    if (!rec.lastIncidentFlip || rec.lastResolvedAt === undefined) return null;
    if (flip.at - rec.lastResolvedAt > this.opts.flapWindowMs) return null;
    const previous = await this.deps.flips.get(rec.lastIncidentFlip);
    if (!previous?.ts || previous.digestId || previous.channel !== flip.channel) return null;
    return previous;
  }

  /** Posts or edits a digest so that it shows every flip that joined it, then settles those flips. */
  private async renderDigest(digestId: string, channel: string): Promise<boolean> {
    const { delivery, flips, solutions, poster } = this.deps;
    const now = this.deps.now();
    const digest = await delivery.getItem(digestId);
    if (!digest) throw new UnrecoverableError(`digest ${digestId} is gone`);
    const seq = Number(digest.seq ?? 0);
    if (digest.ts && Number(digest.renderedSeq ?? -1) >= seq) {
      await this.settleDigestMembers(digestId, channel, digest.ts, now);
      return false;
    }
    const lastRender = Number(digest.lastRenderAt ?? 0);
    if (digest.ts && now - lastRender < this.opts.digestEditEveryMs) {
      throw new RetryLater(this.opts.digestEditEveryMs - (now - lastRender));
    }
    const memberIds = await delivery.digestMembers(digestId);
    const entries: DigestEntry[] = [];
    const members = await Promise.all(memberIds.map((id) => flips.get(id)));
    const names = new Map<string, string>();
    for (const f of members) {
      if (!f) continue;
      if (!names.has(f.solutionId)) {
        const rec = await solutions.get(f.solutionId);
        names.set(f.solutionId, rec?.solution.name ?? f.solutionId);
      }
      entries.push({
        solutionId: f.solutionId,
        name: names.get(f.solutionId) as string,
        to: f.to,
        reason: f.reason,
      });
    }
    const message = digestMessage(entries, Number(digest.createdAt ?? now));
    let ts = digest.ts;
    if (ts) {
      await poster.update(channel, ts, message);
    } else {
      ts = await poster.postOnce(digestId, channel, message, { now });
    }
    await delivery.setFields(digestId, {
      ts,
      renderedSeq: String(seq),
      lastRenderAt: String(now),
      delivery: 'sent',
    });
    await this.settleDigestMembers(digestId, channel, ts, now, members);
    return true;
  }

  private async settleDigestMembers(
    digestId: string,
    channel: string,
    ts: string,
    now: number,
    known?: (FlipRecord | null)[],
  ): Promise<void> {
    const { delivery, flips, solutions } = this.deps;
    const members =
      known ?? (await Promise.all((await delivery.digestMembers(digestId)).map((id) => flips.get(id))));
    for (const f of members) {
      if (!f || FINAL.has(f.delivery)) continue;
      await delivery.finish(f.id, channel, 'digested', { ts, incidentTs: ts }, now);
      if (f.kind === 'incident' || f.kind === 'escalation') await solutions.setIncident(f.solutionId, f.id);
      else if (f.kind === 'recovery') await solutions.resolveIncident(f.solutionId, undefined, f.at);
    }
  }

  private async deliverEvents(itemId: string, item: Record<string, string>): Promise<boolean> {
    const { delivery, solutions, poster } = this.deps;
    const now = this.deps.now();
    const parsed = eventBatchSchema.safeParse(item);
    if (!parsed.success) throw new UnrecoverableError(`event batch ${itemId} is corrupt`);
    const batch = parsed.data;
    const rec = await solutions.get(batch.solutionId);
    const name = rec?.solution.name ?? batch.solutionId;
    const message = eventBatchMessage({ id: batch.solutionId, name }, batch.events);
    const ts = await poster.postOnce(itemId, batch.channel, message, { solutionId: batch.solutionId, now });
    await delivery.finish(itemId, batch.channel, 'sent', { ts }, now);
    return true;
  }

  private async deliverApproval(enrollmentId: string, channel: string): Promise<boolean> {
    const { enrollments, solutions, delivery, poster } = this.deps;
    const now = this.deps.now();
    const enrollment = await enrollments.get(enrollmentId);
    const rec = enrollment ? await solutions.get(enrollment.solutionId) : null;
    if (!enrollment || !rec) {
      await delivery.finish(enrollmentId, channel, 'held', { error: 'enrollment or solution gone' }, now);
      return false;
    }
    const message = approvalRequestMessage({
      enrollmentId,
      solution: rec.solution,
      requestedBy: enrollment.requestedBy,
      requestedAt: enrollment.createdAt,
      decision:
        enrollment.status === 'pending' || !enrollment.decidedBy
          ? undefined
          : { status: enrollment.status, by: enrollment.decidedBy, at: enrollment.decidedAt ?? now },
    });
    const ts = await poster.postOnce(enrollmentId, channel, message, { solutionId: rec.solution.id, now });
    await delivery.finish(enrollmentId, channel, 'sent', { requestChannel: channel, requestTs: ts }, now);
    return true;
  }

  /** A reminder goes out only while its incident is still the open one and nobody acknowledged it. */
  private async deliverReminder(
    itemId: string,
    channel: string,
    item: Record<string, string>,
  ): Promise<boolean> {
    const { solutions, flips, delivery, poster } = this.deps;
    const now = this.deps.now();
    const rec = item.solutionId ? await solutions.get(item.solutionId) : null;
    const incident = item.incidentFlip ? await flips.get(item.incidentFlip) : null;
    const snoozed = rec?.snoozedUntil !== undefined && rec.snoozedUntil > now;
    if (
      !rec ||
      !incident ||
      rec.incidentFlip !== incident.id ||
      rec.acknowledgedBy ||
      snoozed ||
      !item.threadTs
    ) {
      await delivery.finish(
        itemId,
        channel,
        'held',
        { error: 'incident closed, acknowledged or snoozed' },
        now,
      );
      return false;
    }
    const message = reminderMessage(rec.solution, rec.state, rec.stateSince ?? incident.at, now);
    const ts = await poster.postOnce(itemId, channel, message, {
      threadTs: item.threadTs,
      solutionId: rec.solution.id,
      now,
    });
    await delivery.finish(itemId, channel, 'sent', { ts }, now);
    return true;
  }

  private async deliverOps(itemId: string, channel: string, item: Record<string, string>): Promise<boolean> {
    const now = this.deps.now();
    const ts = await this.deps.poster.postOnce(
      itemId,
      channel,
      opsNoticeMessage(item.text ?? 'secsol notice'),
      {
        now,
      },
    );
    await this.deps.delivery.finish(itemId, channel, 'sent', { ts }, now);
    return true;
  }
}
