/**
 * Who may approve, connect and delete: Slack user IDs and user-group IDs from SECSOL_APPROVERS.
 * Group membership comes from `usergroups.users.list`, cached briefly; when Slack cannot answer, the
 * user is not an approver (fail closed).
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';

export const GROUP_CACHE_MS = 60_000;

export class Approvers {
  private readonly cache = new Map<string, { users: Set<string>; at: number }>();

  constructor(
    private readonly ids: readonly string[],
    private readonly client: WebClient,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get configured(): boolean {
    return this.ids.length > 0;
  }

  async isApprover(userId: string): Promise<boolean> {
    if (this.ids.includes(userId)) return true;
    for (const group of this.ids.filter((id) => id.startsWith('S'))) {
      if ((await this.members(group)).has(userId)) return true;
    }
    return false;
  }

  private async members(group: string): Promise<Set<string>> {
    const hit = this.cache.get(group);
    if (hit && this.now() - hit.at < GROUP_CACHE_MS) return hit.users;
    try {
      const res = await this.client.usergroups.users.list({ usergroup: group });
      const users = new Set(res.users ?? []);
      this.cache.set(group, { users, at: this.now() });
      return users;
    } catch (err) {
      this.logger.warn({ group, err: (err as Error).message }, 'could not read user group members');
      return hit?.users ?? new Set();
    }
  }
}
