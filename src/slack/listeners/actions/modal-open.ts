/**
 * Link resources and Configure: approvers only, on the version the clicker saw; then the modal opens on
 * the click's trigger_id (valid for about 3 s, so nothing slow comes before it).
 */
import type { View } from '@slack/types';
import type { SolutionRecord } from '../../../services/status-service.js';
import { parseValue, versionedRef } from '../../action-values.js';
import type { ModalMeta } from '../../blocks/modal-blocks.js';
import { escTrunc, oneLine } from '../../mrkdwn.js';
import type { SlackDeps } from '../../slack-deps.js';
import { checkFreshness, refuseStale } from '../../stale-click.js';
import { requireApprover } from './approver-gate.js';
import { type Click, INVALID_BUTTON } from './click.js';
import { currentSolutionView, VIEW_ACTIONS_BLOCK } from './current-state.js';

export interface ModalAction {
  /** The audited action, e.g. 'solution.link'. */
  action: string;
  /** For the refusal: "Only secsol approvers can <verb>." */
  verb: string;
  build: (record: SolutionRecord, meta: ModalMeta) => View;
}

export async function openSolutionModal(deps: SlackDeps, click: Click, spec: ModalAction): Promise<void> {
  const ref = parseValue(versionedRef, click.value);
  if (!ref) return click.tell(INVALID_BUTTON);
  if (!(await requireApprover(deps, click, spec.verb, { action: spec.action, solutionId: ref.s }))) return;
  const fresh = await checkFreshness(deps.status, ref);
  if (fresh.kind !== 'fresh') {
    const current = fresh.kind === 'changed' ? await currentSolutionView(deps, fresh.record) : null;
    return refuseStale(fresh, click, { current, inPlace: click.blockId === VIEW_ACTIONS_BLOCK });
  }
  const { record } = fresh;
  if (record.solution.lifecycle !== 'connected') {
    const name = escTrunc(oneLine(record.solution.name), 150);
    return click.tell(`*${name}* is ${record.solution.lifecycle}, not connected: connect it first.`);
  }
  const channel = click.channel && click.channel.length <= 40 ? click.channel : undefined;
  const meta: ModalMeta = { s: ref.s, v: ref.v, ...(channel ? { c: channel } : {}) };
  try {
    await click.client.views.open({ trigger_id: click.triggerId, view: spec.build(record, meta) });
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, solutionId: ref.s }, 'could not open a modal');
    await click.tell('Slack did not open the form (the click may have taken too long). Please click again.');
  }
}
