/**
 * Connect, on a discovered solution. An approver connects it at once (the button has a confirmation
 * dialog); anyone else asks: a connection request goes to the approval channel with Approve and Deny.
 */
import { ACTION, parseValue, versionedRef } from '../../action-values.js';
import { actorText } from '../../blocks/approval-blocks.js';
import { statusMessage } from '../../blocks/status-blocks.js';
import { escTrunc, oneLine, slackDate } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { checkFreshness, deletedMessage, refuseStale } from '../../stale-click.js';
import { type ActionListener, type Click, INVALID_BUTTON, onClick } from './click.js';
import { currentSolutionView, STATUS_COUNTS_BLOCK, VIEW_ACTIONS_BLOCK } from './current-state.js';

function channelMention(id: string): string {
  return /^[CG][A-Z0-9]{2,}$/.test(id) ? `<#${id}>` : 'the approval channel';
}

/** Shows the result where the click came from: the solution's view or the status page, redrawn. */
async function redraw(deps: SlackDeps, click: Click, solutionId: string): Promise<void> {
  if (click.blockId === VIEW_ACTIONS_BLOCK) {
    const record = await deps.status.get(solutionId);
    if (record) await click.replace(await currentSolutionView(deps, record));
  } else if (click.messageHas(STATUS_COUNTS_BLOCK)) {
    await click.replace(statusMessage(await deps.status.snapshot()));
  }
}

export function connectDiscoveredAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.connect, async (click) => {
    const ref = parseValue(versionedRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    const fresh = await checkFreshness(deps.status, ref);
    if (fresh.kind !== 'fresh') {
      const current = fresh.kind === 'changed' ? await currentSolutionView(deps, fresh.record) : null;
      return refuseStale(fresh, click, { current, inPlace: click.blockId === VIEW_ACTIONS_BLOCK });
    }
    const s = fresh.record.solution;
    const name = escTrunc(oneLine(s.name), 150);
    if (s.lifecycle !== 'discovered') {
      return click.tell(
        `*${name}* is ${s.lifecycle}, not a discovered solution: there is nothing to connect.`,
      );
    }

    if (await deps.approvers.isApprover(click.user)) {
      const result = await deps.requests.connectDiscovered(ref.s, click.actor, ref.v);
      if (result.outcome === 'missing') return click.tell(deletedMessage(ref.s, { name: s.name }).text);
      if (result.outcome === 'stale') {
        const by = result.decidedBy ? ` by ${actorText(result.decidedBy)}` : '';
        return click.tell(
          `*${name}* was already ${result.lifecycle ?? 'changed'}${by} before your click. Nothing was changed.`,
        );
      }
      await redraw(deps, click, ref.s);
      return click.tell(
        s.source === 'azure'
          ? `:white_check_mark: *${name}* is connected in secsol only: nothing changed in Defender for Cloud. With no health data from Azure, it is judged by the 14-day rule on its security events.`
          : `:white_check_mark: *${name}* is connected. It shows as Not reported until its first health report.`,
      );
    }

    const pending = await deps.requests.pendingRequest(ref.s);
    if (pending) {
      return click.tell(
        `A connection request for *${name}* is already waiting for an approver (asked by ${actorText(pending.requestedBy)} ${slackDate(pending.createdAt)}).`,
      );
    }
    await deps.requests.request(ref.s, click.actor);
    const approvalChannel = deps.config.approvalChannel ?? deps.defaultChannel;
    await click.tell(
      `:inbox_tray: Request sent: approvers were asked in ${channelMention(approvalChannel)} to connect *${name}*. Only approvers can connect solutions directly.`,
    );
  });
}
