/**
 * Acknowledge, on an incident message: anyone in the channel may take the incident. The message is then
 * re-rendered through the outbox, showing who acknowledged it and no Acknowledge button any more.
 */
import { STATE_LABEL } from '../../../domain/model.js';
import { ACTION, incidentRef, parseValue } from '../../action-values.js';
import { escTrunc, mentionUser, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { deletedMessage, staleExplanation } from '../../stale-click.js';
import { type ActionListener, INVALID_BUTTON, onClick } from './click.js';

export function acknowledgeIncidentAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.ack, async (click) => {
    const ref = parseValue(incidentRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    // A flip id names its solution: one that does not is a forged button.
    if (!ref.f.startsWith(`flip-${ref.s}-`)) return click.tell(INVALID_BUTTON);
    const found = await deps.incidents.find(ref.s, ref.f, click.ephemeral ? undefined : click.messageTs);
    if (found.kind === 'deleted') return click.tell(deletedMessage(ref.s).text);
    const name = escTrunc(oneLine(found.record.solution.name), 150);
    const over = `This incident is over: *${name}* is ${STATE_LABEL[found.record.state]} now. Nothing was changed.`;
    if (found.kind === 'over') return click.tell(over);
    if (found.record.solution.version !== ref.v) {
      // The clicked message is brought up to date (through the outbox); the click changes nothing.
      await deps.incidents.refresh(ref.s);
      return click.tell(staleExplanation({ kind: 'changed', record: found.record }));
    }
    const result = await deps.incidents.acknowledge(ref.s, found.flip.id, click.user);
    switch (result.outcome) {
      case 'already':
        return click.tell(`Already acknowledged by ${mentionUser(result.by)}.`);
      case 'missing':
        return click.tell(deletedMessage(ref.s).text);
      case 'over':
        return click.tell(over);
      case 'applied':
        if (click.ephemeral)
          await click.tell(`:white_check_mark: You acknowledged the incident on *${name}*.`);
    }
  });
}
