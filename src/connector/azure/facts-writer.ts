/**
 * Facts the connector learns about a solution without a report or an event: Defender's last event time for
 * a CEF/ATA source, and whether Azure still lists it. Written by the `setFacts` script: it bumps the
 * solution's `rev` (the evaluator's compare-and-set guard), makes it due now, never recreates a solution
 * deleted meanwhile, and leaves its `version` (what buttons carry) alone: it is not configuration.
 */
import type { StorageContext } from '../../storage/context.js';

export class FactsWriter {
  constructor(private readonly ctx: StorageContext) {}

  /** Sets `fields` on an existing solution; 'missing' when it is gone. */
  async update(id: string, fields: Record<string, string>, now: number): Promise<'ok' | 'missing'> {
    return (await this.ctx.scripts.setFacts({ id, now, fields })) === 'set' ? 'ok' : 'missing';
  }

  async close(): Promise<void> {}
}
