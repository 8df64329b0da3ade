/**
 * The steps every delivery goes through, named as Alertmanager names its stages:
 *
 *   hold (snooze, maintenance) -> group (digest) -> render -> post once -> record
 *
 * A kind's handler (handlers/) says what each step means for its items; this runs them in order under
 * the channel lease the deliverer holds. Posting goes through `SlackPoster.postOnce` (exactly once: the
 * `sending` marker, message metadata naming the item, a history lookup before posting again) and edits
 * through `chat.update`; the item's final state is recorded only after Slack answered.
 */

import type { IncidentService } from '../services/incident-service.js';
import type { SlackMessage } from '../slack/blocks/alert-blocks.js';
import type { DeliveryRepository } from '../storage/delivery-repository.js';
import type { DigestRepository } from '../storage/digest-repository.js';
import type { EnrollmentRepository } from '../storage/enrollment-repository.js';
import type { FlipRepository } from '../storage/flip-repository.js';
import type { ReportRepository } from '../storage/report-repository.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import type { ItemRef } from './kinds.js';
import type { Outbox } from './outbox.js';
import type { SlackPoster } from './slack-poster.js';

/** Delivery states after which an item is never sent again. */
export const FINAL = new Set(['sent', 'held', 'failed', 'digested', 'quiet']);

/** Thrown by a step to move the job back to delayed once the lease is released (not an attempt). */
export class RetryLater {
  constructor(readonly delayMs: number) {}
}

export interface PipelineOptions {
  digestThreshold: number;
  digestWindowMs: number;
  /** Minimum time between two edits of one digest. */
  digestEditEveryMs: number;
  /** A relapse within this long after a recovery reopens the same incident message (flapping). */
  flapWindowMs: number;
}

export interface PipelineDeps {
  solutions: SolutionRepository;
  flips: FlipRepository;
  /** The stored security events an event batch renders from. */
  reports: Pick<ReportRepository, 'batchEvents' | 'closeBatch'>;
  enrollments: EnrollmentRepository;
  delivery: DeliveryRepository;
  /** Flips grouped into one message per channel when many wait. */
  digests: DigestRepository;
  incidents: IncidentService;
  outbox: Outbox;
  poster: SlackPoster;
  now: () => number;
  opts: PipelineOptions;
  /** The maintenance window holding a solution's alerts at `now`, if any (docs/contract.md §10.1). */
  maintenance?: MaintenanceHolds;
  /** Runs another item through its steps (a flip hands over to its digest), whatever its state. */
  runItem: (ref: ItemRef) => Promise<boolean>;
}

/** Maintenance as the hold step sees it (services/maintenance-service.ts). */
export interface MaintenanceHolds {
  /** The occurrence holding a solution's alerts at `now` (`member` names it), if any. */
  holding(solutionId: string, now: number): Promise<{ windowId: string; member: string; end: number } | null>;
  /** Records that the occurrence held one of the solution's alerts: its end looks at the solution again. */
  markHeld(member: string, solutionId: string, end: number): Promise<void>;
}

/** Not sent: why (recorded as the item's error), and what else follows from it. */
export interface Held {
  held: string;
  after?: () => Promise<void>;
}

export interface Plan {
  /** An edit made first (the incident message on escalation and recovery, a digest, an edit item). */
  update?: { channel: string; ts: string; message: SlackMessage };
  /** A message posted once, with the item's id in its metadata. */
  post?: { channel: string; message: SlackMessage; threadTs?: string; solutionId?: string };
  /** The fields recorded with the item's `sent` state, from the posted message's ts (default: the ts). */
  recorded?: (ts: string | undefined) => Record<string, string>;
  /** What follows once it is on record: an incident opened or resolved, a digest's flips settled. */
  after?: (ts: string | undefined) => Promise<void>;
}

/** What one item's steps are, with what they need already read (the handler's own "load"). */
export interface Steps {
  hold?(): Promise<Held | null>;
  /** True or false (posted or not) when a digest speaks for the item; null to deliver it alone. */
  group?(): Promise<boolean | null>;
  /** The Slack writes, a late reason to hold, or null when nothing is left to write. */
  render(): Promise<Plan | Held | null>;
}

export type Handler<T> = (item: T, d: PipelineDeps) => Promise<Steps>;

/** Runs the steps; true when something was written to the channel (it then keeps its pacing gap). */
export async function runSteps(
  ref: ItemRef,
  channel: string,
  steps: Steps,
  d: PipelineDeps,
): Promise<boolean> {
  const addr = d.outbox.address(ref);
  const settleHeld = async (h: Held) => {
    await d.delivery.finish(addr, channel, 'held', { error: h.held }, d.now());
    await h.after?.();
    return false;
  };
  const held = (await steps.hold?.()) ?? null;
  if (held) return settleHeld(held);
  const grouped = (await steps.group?.()) ?? null;
  if (grouped !== null) return grouped;
  const plan = await steps.render();
  if (plan === null) return false;
  if ('held' in plan) return settleHeld(plan);
  const now = d.now();
  if (plan.update) await d.poster.update(plan.update.channel, plan.update.ts, plan.update.message);
  const post = plan.post;
  const ts = post
    ? await d.poster.postOnce(addr, post.channel, post.message, {
        threadTs: post.threadTs,
        solutionId: post.solutionId,
        now,
      })
    : undefined;
  const wrote = Boolean(plan.update || post);
  if (wrote) await d.delivery.finish(addr, channel, 'sent', plan.recorded?.(ts) ?? (ts ? { ts } : {}), now);
  await plan.after?.(ts);
  return wrote;
}
