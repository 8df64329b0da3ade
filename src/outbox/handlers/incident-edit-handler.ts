/**
 * Re-renders an open incident's message from its current state (acknowledged, snoozed, unsnoozed, the
 * state it is in now). Edits of one message coalesce: the slot is freed before the state is read, so a
 * change made after this read adds a new edit. A closed incident is left to its recovery's edit.
 */
import { openDisplay, shownState } from '../../domain/incident.js';
import { incidentMessage } from '../../slack/blocks/alert-blocks.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export const incidentEditHandler: Handler<ItemOf<'incident-edit'>> = async (edit, d) => {
  await d.delivery.releaseEdit(edit.incidentFlip, edit.id);
  const rec = await d.solutions.get(edit.solutionId);
  const incident = await d.flips.get(edit.incidentFlip);
  return {
    async hold() {
      if (!rec || rec.incidentFlip !== edit.incidentFlip) return { held: 'incident closed' };
      if (!incident?.ts || incident.digestId) return { held: 'no incident message' };
      return null;
    },
    async render() {
      if (!rec || !incident?.ts) return null;
      const [latest] = await d.flips.recent(rec.solution.id, 1);
      const display = openDisplay(rec, incident, shownState(rec, incident, latest), d.now());
      const message = incidentMessage({ solution: rec.solution, flipId: incident.id, ...display });
      return { update: { channel: incident.channel, ts: incident.incidentTs ?? incident.ts, message } };
    },
  };
};
