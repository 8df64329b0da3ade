/**
 * App Home: each time a user opens secsol's Home tab, their dashboard is published fresh. Events are
 * acknowledged by Bolt before this runs, so reading every solution here does not hold Slack up.
 */
import type { AllMiddlewareArgs, Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { HOME_ERRORS, homeView } from '../../blocks/home-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';

export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

export function appHomeOpened(deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<'app_home_opened'>> {
  return async ({ event, client }) => {
    if (event.tab !== 'home' || !/^[UW][A-Z0-9]{2,}$/.test(event.user)) return;
    try {
      const [snapshot, deliveryErrors, exportSummary, azure] = await Promise.all([
        deps.status.snapshot(),
        deps.deliveries.failures(HOME_ERRORS),
        deps.exportSummary?.(),
        deps.azureState?.status(),
      ]);
      await client.views.publish({
        user_id: event.user,
        view: homeView({ userId: event.user, snapshot, deliveryErrors, exportSummary, azure }),
      });
    } catch (err) {
      deps.logger.warn({ userId: event.user, err: (err as Error).message }, 'could not publish App Home');
    }
  };
}
