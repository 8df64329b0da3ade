/**
 * One poll: read Defender for Cloud whole, map it, apply it, and keep the connector's own health. A poll
 * never throws: a failure is logged (in words, never the SDK's error object), counted, shown on App Home
 * and in /metrics, and announced once when the connector starts failing and once when it recovers.
 */
import { formatDuration } from '../../domain/duration.js';
import type { Logger } from '../../logger.js';
import { esc } from '../../slack/mrkdwn.js';
import { type AzureSettings, type DefenderReader, describeAzureError } from './azure-client.js';
import { mapDefender } from './azure-mapping.js';
import { type SyncDeps, type SyncSummary, syncSnapshot } from './azure-sync.js';
import type { ConnectorState } from './connector-state.js';

export interface PollerDeps {
  reader: Pick<DefenderReader, 'readAll'>;
  sync: SyncDeps;
  state: ConnectorState;
  settings: Pick<AzureSettings, 'clientSecret' | 'timeoutMs'>;
  /** Posts an operator notice to the default channel. */
  notify: (text: string) => Promise<void>;
  logger: Logger;
  now: () => number;
}

export function failingNotice(error: string): string {
  return (
    `the Microsoft Defender for Cloud connector cannot read Azure: ${esc(error)}. ` +
    'Solutions read from Azure keep their last known state meanwhile; it is retried every poll.'
  );
}

export function recoveredNotice(failedForMs: number): string {
  return `the Microsoft Defender for Cloud connector reads Azure again, after ${formatDuration(failedForMs)} of failures.`;
}

export class AzurePoller {
  constructor(private readonly deps: PollerDeps) {}

  async poll(signal: AbortSignal): Promise<SyncSummary | null> {
    const { state, logger } = this.deps;
    const started = this.deps.now();
    try {
      const lists = await this.deps.reader.readAll(signal);
      const summary = await syncSnapshot(mapDefender(lists, this.deps.sync.mapping), this.deps.sync);
      const done = this.deps.now();
      const { recoveredFrom } = await state.recordSuccess(done);
      logger.info({ ...summary, ms: done - started }, 'Defender for Cloud read');
      if (recoveredFrom !== undefined) {
        await this.notify(recoveredNotice(done - recoveredFrom));
      }
      return summary;
    } catch (err) {
      if (signal.aborted) return null; // shutting down: not the connector's failure
      const error = describeAzureError(err, this.deps.settings.clientSecret, this.deps.settings.timeoutMs);
      logger.warn({ error }, 'Defender for Cloud connector: could not read Azure');
      try {
        const { started: startsFailing } = await state.recordFailure(this.deps.now(), error);
        if (startsFailing) await this.notify(failingNotice(error));
      } catch (e) {
        logger.error(
          { err: (e as Error).message },
          'Defender for Cloud connector: could not record a failure',
        );
      }
      return null;
    }
  }

  private async notify(text: string): Promise<void> {
    await this.deps
      .notify(text)
      .catch((err: Error) =>
        this.deps.logger.warn({ err: err.message }, 'Defender for Cloud connector: could not queue a notice'),
      );
  }
}
