/**
 * Deliveries Slack refused for good stay visible, and an operator can send them again once the cause is
 * fixed (the bot invited to the channel, a token replaced): the item goes back to the outbox and its job
 * is queued afresh. Audited.
 */
import type { ExportRedrive } from '../export/export-redrive.js';
import type { Outbox } from '../outbox/outbox.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import type { DeliveryError, DeliveryRepository } from '../storage/delivery-repository.js';

export type { DeliveryError } from '../storage/delivery-repository.js';

export interface DeliveryServiceDeps {
  delivery: DeliveryRepository;
  audit: AuditRepository;
  outbox: Outbox;
  now: () => number;
  /** Sends a failed export message (`msg_…` id) again. */
  exportRedrive?: ExportRedrive;
}

export class DeliveryService {
  constructor(private readonly deps: DeliveryServiceDeps) {}

  failures(limit = 100): Promise<DeliveryError[]> {
    return this.deps.delivery.recentErrors(limit);
  }

  async retry(itemId: string, actor: string): Promise<'requeued' | 'not-failed' | 'missing'> {
    const { delivery, audit } = this.deps;
    // The failure record says what failed: a Slack delivery (its outbox kind) or an export message.
    const failure = await delivery.findError(itemId);
    if (failure?.kind === 'export') {
      const redriven = (await this.deps.exportRedrive?.(itemId)) ?? 'missing';
      await audit.record({
        at: this.deps.now(),
        actor,
        action: 'export.retry',
        outcome: redriven,
        detail: itemId,
      });
      return redriven;
    }
    const outcome = await this.deps.outbox.redrive(itemId);
    await audit.record({
      at: this.deps.now(),
      actor,
      action: 'delivery.retry',
      outcome,
      detail: itemId,
    });
    return outcome;
  }
}
