/**
 * The current state of what a clicked message shows, rebuilt from storage: a solution's view.
 * Buttons only say which solution; everything shown is re-read. (Incident messages are re-rendered by
 * the outbox: IncidentService.refresh.)
 */
import type { SolutionRecord } from '../../../services/status-service.js';
import type { SlackMessage } from '../../blocks/alert-blocks.js';
import { solutionViewMessage } from '../../blocks/view-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';

/** The block id of the management buttons in a solution's view (view-blocks.ts). */
export const VIEW_ACTIONS_BLOCK = 'solution_actions';
/** The block id of the counts in a status page (status-blocks.ts). */
export const STATUS_COUNTS_BLOCK = 'status_counts';

export async function currentSolutionView(deps: SlackDeps, record: SolutionRecord): Promise<SlackMessage> {
  const [detail, availability, held] = await Promise.all([
    deps.status.detail(record),
    deps.availability?.of(record),
    deps.maintenance?.holding(record.solution.id, deps.now()),
  ]);
  const maintenance = held ? { ...held.window, end: held.end } : null;
  return solutionViewMessage({ ...detail, availability, maintenance, defaultChannel: deps.defaultChannel });
}
