/**
 * Export's Prometheus metrics, read from Redis at scrape time: the worker sends, any web process shows
 * the totals of every worker.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ExportRepository, ExportSummary } from './export-repository.js';

/**
 * `bounded` runs a Redis read within the scrape's time limit and says whether it succeeded: while Redis is
 * down the export figures are left out (counters) or NaN (the gauge) and the scrape still answers.
 */
export function registerExportMetrics(
  registry: Registry,
  repo: ExportRepository,
  bounded: (read: () => Promise<void>) => Promise<boolean>,
): void {
  // One scrape collects the three at once: they share the read in flight (and never see an old one).
  let inflight: Promise<ExportSummary | null> | null = null;
  const summary = () => {
    inflight ??= (async () => {
      let read: ExportSummary | null = null;
      const ok = await bounded(async () => {
        read = await repo.summary();
      });
      return ok ? read : null;
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  };
  new Counter({
    name: 'secsol_export_delivered_total',
    help: 'Export messages (flips and security events) a SIEM receiver accepted',
    registers: [registry],
    async collect() {
      this.reset();
      const read = await summary();
      if (read) this.inc(read.delivered);
    },
  });
  new Counter({
    name: 'secsol_export_failed_total',
    help: 'Export messages failed for good (refused, or retried past SECSOL_EXPORT_RETRY_FOR)',
    registers: [registry],
    async collect() {
      this.reset();
      const read = await summary();
      if (read) this.inc(read.failed);
    },
  });
  new Gauge({
    name: 'secsol_export_pending',
    help: 'Export messages waiting to be delivered (including those being retried)',
    registers: [registry],
    async collect() {
      this.set((await summary())?.waiting ?? Number.NaN);
    },
  });
}
