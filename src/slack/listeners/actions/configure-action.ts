/** Configure: opens the modal with the solution's settings (approvers only). */
import { ACTION } from '../../action-values.js';
import { configureModal } from '../../blocks/modal-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';
import { type ActionListener, onClick } from './click.js';
import { openSolutionModal } from './modal-open.js';

export function configureAction(deps: SlackDeps): ActionListener {
  return onClick(deps, ACTION.configure, (click) =>
    openSolutionModal(deps, click, {
      action: 'solution.configure',
      verb: 'configure solutions',
      build: (record, meta) => configureModal(record, deps.defaults, meta),
    }),
  );
}
