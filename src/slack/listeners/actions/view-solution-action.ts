/** View: the solution's current details, privately, with its management buttons. */
import { ACTION, parseValue, solutionRef } from '../../action-values.js';
import type { SlackDeps } from '../../slack-deps.js';
import { deletedMessage } from '../../stale-click.js';
import { type ActionListener, INVALID_BUTTON, onClick } from './click.js';
import { currentSolutionView } from './current-state.js';

export function viewSolutionAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.view, async (click) => {
    const ref = parseValue(solutionRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    const record = await deps.status.get(ref.s);
    if (!record) return click.tell(deletedMessage(ref.s).text);
    const view = await currentSolutionView(deps, record);
    await click.tell(view.text, view.blocks);
  });
}
