/**
 * The export sender: drains one solution's export list, head first, under that solution's lease (one
 * sender per solution across every worker, so messages leave in order). Each message is signed afresh
 * per attempt (a new timestamp, the same `webhook-id`), sent, and then acknowledged, held for a retry with
 * exponential backoff, or failed for good (listed, re-drivable). A message is popped only after the
 * receiver answered 2xx: a crash mid-send repeats it, with the same `webhook-id`, and never loses it.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from '../domain/duration.js';
import type { Logger } from '../logger.js';
import { type ExportEntry, exportBody, parseExportEntry } from './export-message.js';
import type { ExportRepository } from './export-repository.js';
import { retryDelay } from './retry-policy.js';
import { signatureHeaders } from './signature.js';
import { postWebhook, type SendOutcome } from './webhook-sender.js';

export interface ExporterOptions {
  url: string;
  /** The signing key (the secret decoded). */
  key: Buffer;
  timeoutMs: number;
  backoffMs: number;
  /** A message whose receiver keeps failing is retried until it has waited this long since queued. */
  retryForMs: number;
  /** How long a solution's lease lives if its holder dies mid-send. */
  leaseMs: number;
  /** A run hands its job back after this many messages or this long, so other solutions get a turn. */
  maxPerRun: number;
  maxRunMs: number;
}

export interface ExporterDeps {
  repo: ExportRepository;
  logger: Logger;
  now: () => number;
  /** One HTTP attempt (replaceable in unit tests). */
  send?: typeof postWebhook;
}

/** Drained: nothing left. Later: run again at `at` (a retry is due, the lease is busy, or a turn ended). */
export type DrainResult =
  | { kind: 'drained'; sent: number }
  | { kind: 'later'; at: number; why: 'retry' | 'busy' | 'turn'; sent: number };

export class Exporter {
  /** Leases this process holds right now (solution -> token), to hand back on a forced stop. */
  private readonly held = new Map<string, string>();

  constructor(
    private readonly deps: ExporterDeps,
    private readonly opts: ExporterOptions,
  ) {}

  async drain(solutionId: string): Promise<DrainResult> {
    const { repo, now } = this.deps;
    const lease = await repo.acquire(solutionId, this.opts.leaseMs);
    if ('waitMs' in lease) return { kind: 'later', at: now() + lease.waitMs, why: 'busy', sent: 0 };
    this.held.set(solutionId, lease.token);
    try {
      return await this.drainLeased(solutionId, lease.token);
    } finally {
      this.held.delete(solutionId);
      await repo.release(solutionId, lease.token);
    }
  }

  /** On a forced stop, give the leases back so that the stalled jobs can be taken over at once. */
  async releaseHeldLeases(): Promise<void> {
    const entries = [...this.held.entries()];
    this.held.clear();
    await Promise.all(entries.map(([id, token]) => this.deps.repo.release(id, token).catch(() => undefined)));
  }

  private async drainLeased(solutionId: string, token: string): Promise<DrainResult> {
    const { repo, now } = this.deps;
    const started = now();
    let sent = 0;
    for (let round = 0; ; round++) {
      if (round > 0) {
        if (sent >= this.opts.maxPerRun || now() - started >= this.opts.maxRunMs)
          return { kind: 'later', at: now(), why: 'turn', sent };
        if (!(await repo.renew(solutionId, token, this.opts.leaseMs)))
          return { kind: 'later', at: now() + this.opts.leaseMs, why: 'busy', sent };
      }
      await repo.busyUntil(solutionId, now() + this.opts.leaseMs);
      const raw = await repo.head(solutionId);
      if (raw === null) {
        if (await repo.settle(solutionId)) return { kind: 'drained', sent };
        continue;
      }
      const parsed = parseExportEntry(raw);
      if ('error' in parsed) {
        const messageId = parsed.id ?? `msg_${createHash('sha1').update(raw).digest('hex').slice(0, 32)}`;
        await this.failHead(solutionId, raw, messageId, parsed.error);
        continue;
      }
      const { entry } = parsed;
      const state = await repo.retryState(solutionId);
      const failures = state?.id === entry.id ? state.attempts : 0;
      if (state?.id === entry.id && state.nextAt > now()) {
        return { kind: 'later', at: state.nextAt, why: 'retry', sent };
      }
      const outcome = await this.attempt(entry);
      if (outcome.verdict === 'delivered') {
        await repo.ack(solutionId, raw);
        sent += 1;
        this.logDelivered(entry, outcome.status, failures);
        continue;
      }
      if (outcome.verdict === 'failed') {
        await this.failHead(solutionId, raw, entry.id, outcome.error);
        continue;
      }
      const attempts = failures + 1;
      const waited = now() - entry.queuedAt;
      if (waited >= this.opts.retryForMs) {
        const error = `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} over ${formatDuration(waited)}: ${outcome.error}`;
        await this.failHead(solutionId, raw, entry.id, error);
        continue;
      }
      const nextAt = now() + retryDelay(attempts, this.opts.backoffMs, outcome.retryAfterMs);
      await repo.hold(solutionId, raw, { id: entry.id, attempts, nextAt, lastError: outcome.error });
      this.deps.logger.warn(
        {
          solutionId,
          messageId: entry.id,
          type: entry.type,
          attempts,
          retryInMs: nextAt - now(),
          error: outcome.error,
        },
        'export receiver did not take the message; will retry',
      );
      return { kind: 'later', at: nextAt, why: 'retry', sent };
    }
  }

  private async attempt(entry: ExportEntry): Promise<SendOutcome> {
    const body = exportBody(entry);
    const headers = signatureHeaders(this.opts.key, entry.id, Math.floor(this.deps.now() / 1000), body);
    const send = this.deps.send ?? postWebhook;
    return send(this.opts.url, headers, body, { timeoutMs: this.opts.timeoutMs, now: this.deps.now });
  }

  private async failHead(solutionId: string, raw: string, messageId: string, error: string): Promise<void> {
    const failed = await this.deps.repo.fail(solutionId, raw, { messageId, error, at: this.deps.now() });
    if (failed)
      this.deps.logger.error(
        { solutionId, messageId, error },
        'export message failed for good; listed in GET /api/v1/deliveries/failed for a retry',
      );
  }

  private logDelivered(entry: ExportEntry, status: number, failures: number): void {
    const fields = { solutionId: entry.solutionId, messageId: entry.id, type: entry.type, status };
    if (failures > 0)
      this.deps.logger.info({ ...fields, attempts: failures + 1 }, 'export delivered after retries');
    else this.deps.logger.debug(fields, 'export delivered');
  }
}
