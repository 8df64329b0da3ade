/**
 * A note in an incident's thread: who snoozed its alerts or lifted the snooze, so that muting an alert is
 * never silent. The text is secsol's own; the mention is built from the stored user id, never from input.
 */
import { mentionUser, slackDate } from '../../slack/mrkdwn.js';
import type { ItemOf } from '../kinds.js';
import type { Handler } from '../pipeline.js';

export function noteText(note: Pick<ItemOf<'incident-note'>, 'event' | 'user' | 'until'>): string {
  const who = mentionUser(note.user.replace(/^slack:/, ''));
  if (note.event === 'unsnooze')
    return `:bell: ${who} lifted the snooze: alerts about this solution flow again.`;
  const until = note.until;
  const when =
    until === undefined || !Number.isFinite(until) ? 'until it recovers' : `until ${slackDate(until)}`;
  return `:zzz: ${who} snoozed the alerts about this solution ${when}.`;
}

export const incidentNoteHandler: Handler<ItemOf<'incident-note'>> = async (note) => ({
  render: async () => {
    const text = noteText(note);
    return {
      post: {
        channel: note.channel,
        threadTs: note.threadTs,
        solutionId: note.solutionId,
        message: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
      },
    };
  },
});
