/** Link resources: opens the modal listing the solution's linked resources (approvers only). */
import { ACTION } from '../../action-values.js';
import { linkResourcesModal } from '../../blocks/modal-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';
import { type ActionListener, onClick } from './click.js';
import { openSolutionModal } from './modal-open.js';

export function linkResourcesAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.link, (click) =>
    openSolutionModal(deps, click, {
      action: 'solution.link',
      verb: 'link resources',
      build: linkResourcesModal,
    }),
  );
}
