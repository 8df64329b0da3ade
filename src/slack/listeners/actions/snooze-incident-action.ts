/**
 * Snooze, from an incident message's menu (1h, 4h, 24h, until recovered): alerts about the solution are
 * held, its state is still tracked. Who may snooze is a setting (SECSOL_SNOOZERS); the message, re-rendered
 * through the outbox, shows until when, and a note in its thread says who snoozed it.
 */
import { UNTIL_RECOVERED } from '../../../domain/incident.js';
import { STATE_LABEL } from '../../../domain/model.js';
import { ACTION, parseValue, snoozeRef } from '../../action-values.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { deletedMessage } from '../../stale-click.js';
import { maySnooze, NOT_A_SNOOZER } from '../snooze-permission.js';
import { type ActionListener, INVALID_BUTTON, onClick } from './click.js';

const HOUR = 3_600_000;
const SNOOZE_MS = { '1h': HOUR, '4h': 4 * HOUR, '24h': 24 * HOUR } as const;

export function snoozeIncidentAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.snooze, async (click) => {
    const ref = parseValue(snoozeRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    // The menu names no incident: the clicked message must be the solution's open incident.
    const found = await deps.incidents.find(ref.s, undefined, click.ephemeral ? undefined : click.messageTs);
    if (found.kind === 'deleted') return click.tell(deletedMessage(ref.s).text);
    const name = escTrunc(oneLine(found.record.solution.name), 150);
    if (found.kind === 'over') {
      return click.tell(
        `This incident is over: *${name}* is ${STATE_LABEL[found.record.state]} now. Nothing was snoozed; \`/secsol snooze\` holds future alerts.`,
      );
    }
    if (
      !(await maySnooze(deps, click.user, { action: 'incident.snooze', solutionId: ref.s, detail: ref.d }))
    ) {
      return click.tell(NOT_A_SNOOZER);
    }
    const until = ref.d === 'recovered' ? UNTIL_RECOVERED : deps.now() + SNOOZE_MS[ref.d];
    const audit = { action: 'incident.snooze' as const, detail: `${ref.d}; ${found.flip.id}` };
    if (!(await deps.incidents.snooze(ref.s, until, click.user, audit))) {
      return click.tell(deletedMessage(ref.s).text);
    }
    if (click.ephemeral) {
      await click.tell(
        `:zzz: Alerts about *${name}* are snoozed (${ref.d === 'recovered' ? 'until it recovers' : ref.d}).`,
      );
    }
  });
}
