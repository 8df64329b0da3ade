/** A reminder in an open incident's thread: it goes out only while the incident is open and nobody took it. */
import { remindDecision } from '../../domain/incident.js';
import { reminderMessage } from '../../slack/blocks/alert-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const reminderHandler: Handler<ItemOf<'reminder'>> = async (reminder, d) => {
  const now = d.now();
  const rec = await d.solutions.get(reminder.solutionId);
  const incident = await d.flips.get(reminder.incidentFlip);
  return {
    async hold() {
      if (!rec || !incident || remindDecision(rec, incident.id, now) !== 'remind') {
        return { held: 'incident closed, acknowledged or snoozed' };
      }
      // Maintenance holds reminders too (per solution); the next round comes after it.
      return (await d.maintenance?.holding(rec.solution.id, now)) ? { held: 'in maintenance' } : null;
    },
    async render() {
      if (!rec || !incident) return null;
      return {
        post: {
          channel: reminder.channel,
          threadTs: reminder.threadTs,
          solutionId: rec.solution.id,
          message: reminderMessage(rec.solution, rec.state, rec.stateSince ?? incident.at, now),
        },
      };
    },
  };
};
