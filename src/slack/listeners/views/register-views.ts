/** Modal submissions: Configure and Link resources. */
import type { App, ViewSubmitAction } from '@slack/bolt';
import { CALLBACK } from '../../action-values.js';
import type { SlackDeps } from '../../slack-deps.js';
import { configureSubmission } from './configure-submission.js';
import { linkResourcesSubmission } from './link-resources-submission.js';

export function registerViews(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(
    { type: 'view_submission', callback_id: CALLBACK.configure },
    configureSubmission(deps),
  );
  app.view<ViewSubmitAction>(
    { type: 'view_submission', callback_id: CALLBACK.link },
    linkResourcesSubmission(deps),
  );
}
