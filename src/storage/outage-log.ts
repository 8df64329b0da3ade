/**
 * Redis outages seen by many clients at once (the request and worker connections, every BullMQ queue and
 * worker) would log a warning per client per reconnect attempt: several a second for as long as Redis is
 * down, burying everything else. This logs the first error of an outage once, counts the rest, and logs one
 * summary when Redis answers again.
 */
import type { Logger } from '../logger.js';

/** Errors that mean "Redis cannot be reached right now", as ioredis and BullMQ word them. */
const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection is closed|connect ETIMEDOUT|Command timed out|LOADING|MaxRetriesPerRequest|Stream isn't writeable|CLUSTERDOWN|no answer to PING/;

/**
 * BullMQ's words for a job whose lock or keys an outage took (a lock that expired while Redis was down, or
 * a Redis that came back empty). Expected during and just after an outage, and harmless to alerts (they are
 * sent from durable flip records, and a lost tick is followed by the next), so they are logged at info.
 */
const JOB_INTERRUPTED = /could not renew lock|Missing lock for job|Missing key for job|Lock mismatch/;

/** How long after an outage a job's lost lock is still the outage's doing. */
const AFTERMATH_MS = 30_000;

export function isConnectionError(message: string): boolean {
  return CONNECTION_ERROR.test(message);
}

export class OutageLog {
  private since: number | null = null;
  private lastRecovered = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private readonly sources = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * An error from `source` (a connection, queue or worker name). Anything that is not a connection error
   * is logged as it comes: it is not the outage.
   */
  error(source: string, err: Error | string): void {
    const message = typeof err === 'string' ? err : err.message;
    if (!isConnectionError(message)) {
      if (JOB_INTERRUPTED.test(message) && this.inOutageOrAftermath()) {
        this.logger.info({ source, err: message }, 'job interrupted by the redis outage');
        return;
      }
      this.logger.warn({ source, err: message }, 'redis client error');
      return;
    }
    this.sources.add(source);
    if (this.since === null) {
      this.since = this.now();
      this.logger.warn(
        { source, err: message },
        'redis unavailable; further errors are counted until it is back',
      );
      return;
    }
    this.suppressed++;
  }

  /** Redis answered again: one summary line for the whole outage. */
  recovered(): void {
    if (this.since === null) return;
    this.logger.warn(
      {
        downMs: this.now() - this.since,
        suppressedErrors: this.suppressed,
        sources: [...this.sources].sort(),
      },
      'redis available again',
    );
    this.since = null;
    this.lastRecovered = this.now();
    this.suppressed = 0;
    this.sources.clear();
  }

  private inOutageOrAftermath(): boolean {
    return this.since !== null || this.now() - this.lastRecovered < AFTERMATH_MS;
  }

  get down(): boolean {
    return this.since !== null;
  }
}
