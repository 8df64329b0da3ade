/**
 * Solution console: a URL button, so Slack opens the link itself. Slack still sends the click and waits
 * for an acknowledgement; there is nothing else to do.
 */
import { ACTION } from '../../action-values.js';
import type { SlackDeps } from '../../slack-deps.js';
import { type ActionListener, onClick } from './click.js';

export function consoleAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.console, async () => {});
}
