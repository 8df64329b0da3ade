/**
 * App Home: each time a user opens secsol's Home tab, their dashboard is published fresh. Events are
 * acknowledged by Bolt before this runs. The dashboard reads counts and the worst solutions from the status
 * read model and the snoozed solutions from their own list: its cost does not grow with the fleet.
 */
import type { AllMiddlewareArgs, Middleware, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Availability } from '../../../services/availability-service.js';
import { HOME_ERRORS, homeView, homeWorst } from '../../blocks/home-blocks.js';
import { maintenanceLine } from '../../blocks/routing-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';

export type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

export function appHomeOpened(deps: SlackDeps): Middleware<SlackEventMiddlewareArgs<'app_home_opened'>> {
  return async ({ event, client }) => {
    if (event.tab !== 'home' || !/^[UW][A-Z0-9]{2,}$/.test(event.user)) return;
    try {
      const [snapshot, snoozed, deliveryErrors, exportSummary, azure, windows] = await Promise.all([
        deps.status.snapshot(),
        deps.status.snoozed(),
        deps.deliveries.failures(HOME_ERRORS),
        deps.exportSummary?.(),
        deps.azureState?.status(),
        deps.maintenance?.list(1),
      ]);
      const maintenance = (windows ?? []).flatMap(({ window, next }) =>
        next[0] ? [maintenanceLine({ ...window, start: next[0].start, end: next[0].end })] : [],
      );
      const availability = new Map<string, Availability>();
      if (deps.availability) {
        const worst = homeWorst(snapshot);
        const values = await Promise.all(worst.map((j) => deps.availability?.of(j.record)));
        worst.forEach((j, i) => {
          const value = values[i];
          if (value) availability.set(j.record.solution.id, value);
        });
      }
      await client.views.publish({
        user_id: event.user,
        view: homeView({
          userId: event.user,
          snapshot,
          snoozed,
          deliveryErrors,
          exportSummary,
          azure,
          availability,
          maintenance,
        }),
      });
    } catch (err) {
      deps.logger.warn({ userId: event.user, err: (err as Error).message }, 'could not publish App Home');
    }
  };
}
