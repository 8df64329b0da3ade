/**
 * Every button and menu of secsol's messages, one handler file each. (The status page's Next / Back
 * buttons are registered with `/secsol status`, in commands/status-command.ts.)
 */
import type { App, BlockAction } from '@slack/bolt';
import { ACTION } from '../../action-values.js';
import type { SlackDeps } from '../../slack-deps.js';
import { acknowledgeIncidentAction } from './acknowledge-incident-action.js';
import { addSourceAction } from './add-source-action.js';
import { approveConnectionAction, denyConnectionAction } from './approve-connection-action.js';
import type { ActionListener } from './click.js';
import { configureAction } from './configure-action.js';
import { connectDiscoveredAction } from './connect-discovered-action.js';
import { consoleAction } from './console-action.js';
import { deleteSolutionAction } from './delete-solution-action.js';
import { linkResourcesAction } from './link-resources-action.js';
import { snoozeIncidentAction } from './snooze-incident-action.js';
import { viewSolutionAction } from './view-solution-action.js';

export function registerActions(app: App, deps: SlackDeps): void {
  const handlers: [string, ActionListener][] = [
    [ACTION.view, viewSolutionAction(deps)],
    [ACTION.console, consoleAction(deps)],
    [ACTION.link, linkResourcesAction(deps)],
    [ACTION.configure, configureAction(deps)],
    [ACTION.delete, deleteSolutionAction(deps)],
    [ACTION.connect, connectDiscoveredAction(deps)],
    [ACTION.approve, approveConnectionAction(deps)],
    [ACTION.deny, denyConnectionAction(deps)],
    [ACTION.ack, acknowledgeIncidentAction(deps)],
    [ACTION.snooze, snoozeIncidentAction(deps)],
    [ACTION.addSource, addSourceAction(deps)],
  ];
  for (const [actionId, handler] of handlers) {
    app.action<BlockAction>({ type: 'block_actions', action_id: actionId }, handler);
  }
}
