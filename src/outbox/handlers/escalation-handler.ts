/**
 * An escalation (docs/contract.md §10.2): posted to the escalation channel, or into the incident's thread,
 * only while the incident is still open, unacknowledged, not snoozed and not in maintenance; the item id
 * is derived from the incident, so it is written and sent once.
 */
import { escalationDecision } from '../../domain/incident.js';
import { escalationMessage, messageLink } from '../../slack/blocks/routing-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const escalationHandler: Handler<ItemOf<'escalation'>> = async (item, d) => {
  const now = d.now();
  const rec = await d.solutions.get(item.solutionId);
  return {
    async hold() {
      const held = rec ? await d.maintenance?.holding(rec.solution.id, now) : null;
      if (escalationDecision(rec, item.incidentFlip, now, Boolean(held)) === 'escalate') return null;
      return { held: 'incident acknowledged, snoozed, in maintenance or over' };
    },
    async render() {
      if (!rec) return null;
      return {
        post: {
          channel: item.channel,
          threadTs: item.threadTs,
          solutionId: rec.solution.id,
          message: escalationMessage({
            solution: rec.solution,
            state: rec.state,
            since: rec.stateSince ?? now,
            afterMs: item.afterMs,
            usergroup: item.usergroup,
            incidentLink: item.threadTs ? null : messageLink(item.incidentChannel, item.incidentTs),
          }),
        },
      };
    },
  };
};
