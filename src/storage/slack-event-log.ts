/** Slack event ids already handled: the Events API redelivers, and each event is acted on once. */
import type { StorageContext } from './context.js';

/** How long a handled event id is remembered: Slack retries for well under an hour. */
export const EVENT_DEDUP_SEC = 3600;

export class SlackEventLog {
  constructor(private readonly ctx: StorageContext) {}

  /** True only the first time this event id is seen. */
  async firstDelivery(eventId: string): Promise<boolean> {
    const { redis, keys } = this.ctx;
    return (await redis.set(keys.slackEventSeen(eventId), '1', 'EX', EVENT_DEDUP_SEC, 'NX')) === 'OK';
  }
}
