/**
 * Acknowledge, on an incident message: anyone in the channel may take the incident. The message is
 * rebuilt in place from storage, showing who acknowledged it and no Acknowledge button any more.
 */
import { STATE_LABEL } from '../../../domain/model.js';
import { ACTION, incidentRef, parseValue } from '../../action-values.js';
import { escTrunc, mentionUser, oneLine } from '../../mrkdwn.js';
import { deletedMessage, refuseStale } from '../../stale-click.js';
import { type ActionDeps, type ActionListener, INVALID_BUTTON, onClick } from './click.js';
import { bareUser, currentIncidentMessage, findOpenIncident } from './current-state.js';

export function acknowledgeIncidentAction(deps: ActionDeps): ActionListener {
  return onClick(deps, ACTION.ack, async (click) => {
    const ref = parseValue(incidentRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    // A flip id names its solution: one that does not is a forged button.
    if (!ref.f.startsWith(`flip-${ref.s}-`)) return click.tell(INVALID_BUTTON);
    const found = await findOpenIncident(deps, ref.s, ref.f, click.ephemeral ? undefined : click.messageTs);
    if (found.kind === 'deleted') return click.tell(deletedMessage(ref.s).text);
    const name = escTrunc(oneLine(found.record.solution.name), 150);
    if (found.kind === 'over') {
      return click.tell(
        `This incident is over: *${name}* is ${STATE_LABEL[found.record.state]} now. Nothing was changed.`,
      );
    }
    const { record, flip } = found;
    if (record.solution.version !== ref.v) {
      const current = await currentIncidentMessage(deps, record, flip);
      return refuseStale({ kind: 'changed', record }, click, { current, inPlace: true });
    }
    const already = bareUser(record.acknowledgedBy);
    if (already) return click.tell(`Already acknowledged by ${mentionUser(already)}.`);

    if (!(await deps.solutions.acknowledge(ref.s, click.user))) return click.tell(deletedMessage(ref.s).text);
    await deps.audit.record({
      at: deps.now(),
      actor: click.actor,
      action: 'incident.acknowledge',
      solutionId: ref.s,
      outcome: 'applied',
      detail: flip.id,
    });
    const updated = await deps.solutions.get(ref.s);
    if (!updated) return;
    const message = await currentIncidentMessage(deps, updated, flip);
    if (!(await click.replace(message))) {
      await click.tell(`:white_check_mark: You acknowledged the incident on *${name}*.`);
    }
  });
}
