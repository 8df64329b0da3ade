/**
 * Snooze, from an incident message's menu (1h, 4h, 24h, until recovered): alerts about the solution are
 * held, its state is still tracked. Anyone in the channel may snooze; the message shows until when.
 */
import { STATE_LABEL } from '../../../domain/model.js';
import { ACTION, parseValue, snoozeRef } from '../../action-values.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import { deletedMessage } from '../../stale-click.js';
import { type ActionDeps, type ActionListener, INVALID_BUTTON, onClick } from './click.js';
import { currentIncidentMessage, findOpenIncident } from './current-state.js';

const HOUR = 3_600_000;
const SNOOZE_MS = { '1h': HOUR, '4h': 4 * HOUR, '24h': 24 * HOUR } as const;

export function snoozeIncidentAction(deps: ActionDeps): ActionListener {
  return onClick(deps, ACTION.snooze, async (click) => {
    const ref = parseValue(snoozeRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    // The menu names no incident: the clicked message must be the solution's open incident.
    const found = await findOpenIncident(
      deps,
      ref.s,
      undefined,
      click.ephemeral ? undefined : click.messageTs,
    );
    if (found.kind === 'deleted') return click.tell(deletedMessage(ref.s).text);
    const name = escTrunc(oneLine(found.record.solution.name), 150);
    if (found.kind === 'over') {
      return click.tell(
        `This incident is over: *${name}* is ${STATE_LABEL[found.record.state]} now. Nothing was snoozed; \`/secsol snooze\` holds future alerts.`,
      );
    }
    const until = ref.d === 'recovered' ? Number.POSITIVE_INFINITY : deps.now() + SNOOZE_MS[ref.d];
    if (!(await deps.solutions.snooze(ref.s, until, click.user)))
      return click.tell(deletedMessage(ref.s).text);
    await deps.audit.record({
      at: deps.now(),
      actor: click.actor,
      action: 'incident.snooze',
      solutionId: ref.s,
      outcome: 'applied',
      detail: `${ref.d}; ${found.flip.id}`,
    });
    const updated = await deps.solutions.get(ref.s);
    if (!updated) return;
    const message = await currentIncidentMessage(deps, updated, found.flip);
    if (!(await click.replace(message))) {
      await click.tell(
        `:zzz: Alerts about *${name}* are snoozed (${ref.d === 'recovered' ? 'until it recovers' : ref.d}).`,
      );
    }
  });
}
