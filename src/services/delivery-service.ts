/**
 * Deliveries Slack refused for good stay visible, and an operator can send them again once the cause is
 * fixed (the bot invited to the channel, a token replaced): the item goes back to the outbox and its job
 * is queued afresh. Audited.
 */
import type { Queue } from 'bullmq';
import type { ExportRedrive } from '../export/export-redrive.js';
import { enqueueDelivery } from '../queue/queues.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import type { DeliveryError, DeliveryRepository } from '../storage/delivery-repository.js';

export interface DeliveryServiceDeps {
  delivery: DeliveryRepository;
  audit: AuditRepository;
  deliverQueue: Queue;
  alertAttempts: number;
  alertBackoffMs: number;
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
    const { delivery, deliverQueue, audit } = this.deps;
    const now = this.deps.now();
    if (itemId.startsWith('msg_')) {
      const redriven = (await this.deps.exportRedrive?.(itemId)) ?? 'missing';
      await audit.record({ at: now, actor, action: 'export.retry', outcome: redriven, detail: itemId });
      return redriven;
    }
    const outcome = await delivery.requeueFailed(itemId, now);
    if (outcome === 'requeued') {
      // The failed job still holds the item's job id: remove it, or the new one would be ignored.
      await deliverQueue.remove(itemId);
      await enqueueDelivery(deliverQueue, itemId, this.deps.alertAttempts, this.deps.alertBackoffMs);
    }
    await audit.record({ at: now, actor, action: 'delivery.retry', outcome, detail: itemId });
    return outcome;
  }
}
