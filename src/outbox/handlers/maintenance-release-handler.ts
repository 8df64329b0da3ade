/**
 * The one alert a solution held by a maintenance window gets when the window ends and it is still
 * Unhealthy or Stopped reporting (docs/contract.md §10.1). The release wrote it only for solutions bad at
 * the end; this checks again when sending (recovered since, deleted, snoozed, or held by another window).
 * Posted as an incident of its own, so Acknowledge, reminders and escalation work on it as on any alert.
 */
import { openDisplay } from '../../domain/incident.js';
import { isAlertingState } from '../../domain/model.js';
import { incidentMessage } from '../../slack/blocks/alert-blocks.js';
import { flipIdFor } from '../../storage/flip-repository.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const maintenanceReleaseHandler: Handler<ItemOf<'maintenance-release'>> = async (item, d) => {
  const now = d.now();
  const rec = await d.solutions.get(item.solutionId);
  const incident = rec?.incidentFlip ? await d.flips.get(rec.incidentFlip) : null;
  const lastFlipId = rec && rec.flipSeq > 0 ? flipIdFor(rec.solution.id, rec.flipSeq) : undefined;
  const lastFlip = lastFlipId ? await d.flips.get(lastFlipId) : null;
  return {
    async hold() {
      if (!rec) return { held: 'solution deleted' };
      if (!isAlertingState(rec.state)) return { held: 'recovered' };
      if (incident?.ts) return { held: 'an incident message is already open' };
      if (rec.snoozedUntil !== undefined && rec.snoozedUntil > now) return { held: 'snoozed' };
      if (await d.maintenance?.holding(rec.solution.id, now)) return { held: 'in maintenance again' };
      return null;
    },
    async render() {
      if (!rec || !lastFlip) return null;
      const shown = {
        state: rec.state,
        reason: `Still ${rec.state === 'unhealthy' ? 'unhealthy' : 'not reporting'} after maintenance${item.reason ? ` (${item.reason})` : ''}: ${lastFlip.reason}`,
      };
      return {
        post: {
          channel: item.channel,
          solutionId: rec.solution.id,
          message: incidentMessage({
            solution: rec.solution,
            flipId: lastFlip.id,
            ...openDisplay(rec, lastFlip, shown, now),
          }),
        },
        // The release stands for the flip that went unannounced: it becomes the incident (its message).
        after: async (ts) => {
          if (!ts) return;
          await d.flips.markIncidentMessage(lastFlip.id, item.channel, ts);
          await d.incidents.opened(rec.solution.id, lastFlip.id, { remind: true });
        },
      };
    },
  };
};
