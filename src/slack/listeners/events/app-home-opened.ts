/**
 * App Home: each time a user opens secsol's Home tab, their dashboard is published fresh. Events are
 * acknowledged by Bolt before this runs. The dashboard reads counts and the worst solutions from the status
 * read model and the snoozed solutions from their own list: its cost does not grow with the fleet.
 */
import type { AllMiddlewareArgs, Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import { HOME_ERRORS, homeView } from '../../blocks/home-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';

export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

export function appHomeOpened(deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<'app_home_opened'>> {
  return async ({ event, client }) => {
    if (event.tab !== 'home' || !/^[UW][A-Z0-9]{2,}$/.test(event.user)) return;
    try {
      const [snapshot, snoozed, deliveryErrors, exportSummary] = await Promise.all([
        deps.status.snapshot(),
        deps.status.snoozed(),
        deps.deliveries.failures(HOME_ERRORS),
        deps.exportSummary?.(),
      ]);
      await client.views.publish({
        user_id: event.user,
        view: homeView({ userId: event.user, snapshot, snoozed, deliveryErrors, exportSummary }),
      });
    } catch (err) {
      deps.logger.warn({ userId: event.user, err: (err as Error).message }, 'could not publish App Home');
    }
  };
}
