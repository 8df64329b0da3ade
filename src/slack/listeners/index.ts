/**
 * Registers every Slack surface on the Bolt app: commands, actions, views and events, one registrar per
 * surface and one small file per handler. A global middleware drops Events API redeliveries.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../slack-deps.js';
import { registerActions } from './actions/register-actions.js';
import { registerCommands } from './commands/register-commands.js';
import { registerEvents } from './events/register-events.js';
import { registerViews } from './views/register-views.js';

/** The app a request is addressed to (every command, interaction and event names it). */
function appOf(body: Record<string, unknown>): string | undefined {
  const view = body.view as { app_id?: unknown } | undefined;
  const candidates = [body.api_app_id, view?.app_id];
  return candidates.find((a): a is string => typeof a === 'string' && a.length > 0);
}

/** The workspace a request says it comes from, in any of Slack's payload shapes. */
function teamOf(body: Record<string, unknown>): string | undefined {
  const team = body.team as { id?: unknown } | null | undefined;
  const candidates = [body.team_id, team?.id, (body.user as { team_id?: unknown } | undefined)?.team_id];
  return candidates.find((t): t is string => typeof t === 'string' && t.length > 0);
}

export function registerListeners(app: App, deps: SlackDeps): void {
  // Signed is not enough: a payload from another workspace, one that names no workspace, or one for
  // another app is refused before any handler sees it (acked, so nothing retries, and logged). Response
  // URLs are checked where requests leave (slack/egress.ts).
  app.use(async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const team = teamOf(body);
    const appId = appOf(body);
    const problem =
      deps.teamId !== undefined && team === undefined
        ? 'names no workspace'
        : deps.teamId !== undefined && team !== deps.teamId
          ? 'comes from another workspace'
          : deps.appId !== undefined && appId !== undefined && appId !== deps.appId
            ? 'is for another app'
            : null;
    if (problem) {
      deps.logger.warn({ team, appId }, `refused a Slack request that ${problem}`);
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack();
      return;
    }
    await args.next();
  });
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && /^[A-Za-z0-9]{1,64}$/.test(eventId)) {
      if (!(await deps.slackEvents.firstDelivery(eventId))) {
        deps.logger.info({ eventId }, 'dropped a redelivered Slack event');
        return;
      }
    }
    await next();
  });
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerEvents(app, deps);
}
