/** Add (a data source): the step-by-step instructions with a ready-to-run enrollment command, privately. */
import { ACTION, parseValue, sourceRef } from '../../action-values.js';
import { dataSourceInstructions } from '../../blocks/sources-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';
import { type ActionListener, INVALID_BUTTON, onClick } from './click.js';

export function addSourceAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.addSource, async (click) => {
    const ref = parseValue(sourceRef, click.value);
    if (!ref) return click.tell(INVALID_BUTTON);
    const instructions = dataSourceInstructions(ref.k, deps.config.publicUrl);
    if (!instructions) {
      return click.tell(
        'secsol does not know this data source any more. `/secsol sources` lists the current ones.',
      );
    }
    await click.tell(instructions.text, instructions.blocks);
  });
}
