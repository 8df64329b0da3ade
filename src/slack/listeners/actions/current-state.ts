/**
 * The current state of what a clicked message shows, rebuilt from storage: a solution's view, or an
 * incident message. Buttons only say which solution (and which incident); everything shown is re-read.
 */
import { isAlertingState } from '../../../domain/model.js';
import type { FlipRecord } from '../../../storage/flip-repository.js';
import type { SolutionRecord } from '../../../storage/solution-record.js';
import { incidentMessage, type SlackMessage } from '../../blocks/alert-blocks.js';
import { solutionViewMessage } from '../../blocks/view-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';
import type { ActionDeps } from './click.js';

/** The block id of the management buttons in a solution's view (view-blocks.ts). */
export const VIEW_ACTIONS_BLOCK = 'solution_actions';
/** The block id of the counts in a status page (status-blocks.ts). */
export const STATUS_COUNTS_BLOCK = 'status_counts';

export async function currentSolutionView(deps: ActionDeps, record: SolutionRecord): Promise<SlackMessage> {
  const detail = await deps.status.detail(record);
  return solutionViewMessage({ ...detail, defaultChannel: deps.defaultChannel });
}

/** Overlays are stored as 'U…' or 'slack:U…' depending on who wrote them; mentions need the bare id. */
export function bareUser(id: string | undefined): string | undefined {
  return id?.replace(/^slack:/, '') || undefined;
}

export type IncidentLookup =
  | { kind: 'deleted' }
  | { kind: 'over'; record: SolutionRecord }
  | { kind: 'open'; record: SolutionRecord; flip: FlipRecord };

/**
 * The open incident a click refers to. `flipId` is the incident the button was built for; `messageTs`,
 * when known, must be the incident's own message: a click on an older incident's message is not a click
 * on the current one.
 */
export async function findOpenIncident(
  deps: SlackDeps,
  solutionId: string,
  flipId: string | undefined,
  messageTs: string | undefined,
): Promise<IncidentLookup> {
  const record = await deps.solutions.get(solutionId);
  if (!record) return { kind: 'deleted' };
  const open = record.incidentFlip;
  if (!open || (flipId !== undefined && flipId !== open)) return { kind: 'over', record };
  const flip = await deps.flips.get(open);
  if (!flip || flip.solutionId !== solutionId) return { kind: 'over', record };
  const incidentTs = flip.incidentTs ?? flip.ts;
  if (messageTs !== undefined && incidentTs !== undefined && incidentTs !== messageTs) {
    return { kind: 'over', record };
  }
  return { kind: 'open', record, flip };
}

/** The incident message as the worker would render it now, with the current overlays. */
export async function currentIncidentMessage(
  deps: SlackDeps,
  record: SolutionRecord,
  flip: FlipRecord,
): Promise<SlackMessage> {
  const now = deps.now();
  const [latest] = await deps.flips.recent(record.solution.id, 1);
  const state = isAlertingState(record.state) ? record.state : flip.to;
  const reason = latest && latest.to === state ? latest.reason : flip.reason;
  const snoozed =
    record.snoozedUntil !== undefined && record.snoozedUntil > now ? record.snoozedUntil : undefined;
  return incidentMessage({
    solution: record.solution,
    flipId: flip.id,
    state,
    reason,
    since: flip.at,
    acknowledgedBy: bareUser(record.acknowledgedBy),
    snoozedUntil: snoozed,
    lastMessage: record.lastHealthMessage,
  });
}
