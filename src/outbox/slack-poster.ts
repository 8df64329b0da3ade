/**
 * Posting exactly once. A post is recorded only after Slack answers ok; if a previous attempt was cut
 * short after reaching Slack (the item is still `sending`), the message carries the item id in its
 * metadata, so we look for it before posting again.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';
import { DELIVERY_EVENT_TYPE, deliveryMetadata, type SlackMessage } from '../slack/blocks/alert-blocks.js';
import type { DeliveryRepository, ItemAddress } from '../storage/delivery-repository.js';
import type { Faults } from '../worker/faults.js';

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export class SlackPoster {
  constructor(
    private readonly client: WebClient,
    private readonly delivery: DeliveryRepository,
    private readonly faults: Faults,
    private readonly logger: Logger,
  ) {}

  async postOnce(
    addr: ItemAddress,
    channel: string,
    message: SlackMessage,
    opts: { threadTs?: string; solutionId?: string; now: number },
  ): Promise<string> {
    const itemId = addr.id;
    const item = await this.delivery.getItem(addr);
    if (item?.delivery === 'sending') {
      const since = Number(item.sendingSince ?? opts.now);
      const found = await this.findPosted(channel, itemId, opts.threadTs, since - 60_000);
      if (found) {
        this.logger.info(
          { itemId, channel },
          'found the message of an interrupted attempt; not posting again',
        );
        return found;
      }
    }
    await this.delivery.markSending(addr, opts.now);
    await this.faults.maybeCrash('crash_before_slack');
    const res = await this.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      thread_ts: opts.threadTs,
      metadata: deliveryMetadata(itemId, opts.solutionId),
      unfurl_links: false,
      unfurl_media: false,
    });
    await this.faults.maybeCrash('crash_after_slack_ok');
    if (!res.ts) throw new Error('chat.postMessage answered ok without a ts');
    return res.ts;
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
  }

  /** The ts of a message we posted for `itemId`, found through its metadata; null if absent or unreadable. */
  private async findPosted(
    channel: string,
    itemId: string,
    threadTs: string | undefined,
    oldestMs: number,
  ): Promise<string | null> {
    try {
      const res = threadTs
        ? await this.client.conversations.replies({
            channel,
            ts: threadTs,
            include_all_metadata: true,
            limit: 200,
          })
        : await this.client.conversations.history({
            channel,
            oldest: (Math.max(0, oldestMs) / 1000).toFixed(6),
            include_all_metadata: true,
            limit: 200,
          });
      const messages = (res.messages ?? []) as HistoryMessage[];
      const hit = messages.find(
        (m) =>
          m.metadata?.event_type === DELIVERY_EVENT_TYPE && m.metadata.event_payload?.delivery_id === itemId,
      );
      return hit?.ts ?? null;
    } catch (err) {
      // Without history access (a channel the bot was never invited to) we cannot check: post anyway.
      // An alert posted twice in that rare crash window is better than an alert lost.
      this.logger.warn({ itemId, channel, err: (err as Error).message }, 'could not check channel history');
      return null;
    }
  }
}
