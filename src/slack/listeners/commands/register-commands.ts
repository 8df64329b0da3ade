/**
 * `/secsol` and its subcommands: parse, route to one handler per subcommand, answer
 * ephemerally. Anything not understood gets help, never an error trace. Also the status page buttons.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../slack-deps.js';
import { alertsCommand } from './alerts-command.js';
import type { CommandContext } from './command-context.js';
import { discoveredCommand } from './discovered-command.js';
import { helpCommand } from './help-command.js';
import { historyCommand } from './history-command.js';
import { maintenanceCommand } from './maintenance-command.js';
import { parseCommand } from './parse-command.js';
import { snoozeCommand } from './snooze-command.js';
import { sourcesCommand } from './sources-command.js';
import { registerStatusPage, statusCommand } from './status-command.js';
import { unsnoozeCommand } from './unsnooze-command.js';
import { viewCommand } from './view-command.js';

export const COMMAND = '/secsol';

export async function routeCommand(ctx: CommandContext, text: string): Promise<void> {
  const cmd = parseCommand(text);
  switch (cmd.kind) {
    case 'status':
      return statusCommand(ctx);
    case 'view':
      return viewCommand(ctx, cmd.ref);
    case 'discovered':
      return discoveredCommand(ctx);
    case 'sources':
      return sourcesCommand(ctx);
    case 'alerts':
      return alertsCommand(ctx, cmd.ref);
    case 'history':
      return historyCommand(ctx, cmd.ref);
    case 'snooze':
      return snoozeCommand(ctx, cmd.ref, cmd.until);
    case 'unsnooze':
      return unsnoozeCommand(ctx, cmd.ref);
    case 'maintenance':
      return maintenanceCommand(ctx, cmd);
    case 'help':
      return helpCommand(ctx);
    case 'invalid':
      return helpCommand(ctx, cmd.problem);
  }
}

export function registerCommands(app: App, deps: SlackDeps): void {
  const { status } = deps;
  app.command(COMMAND, async ({ command, ack, respond }) => {
    let acked = false;
    const ctx: CommandContext = {
      deps,
      status,
      userId: command.user_id,
      ack: async (arg) => {
        acked = true;
        await ack(arg);
      },
      respond,
    };
    try {
      await routeCommand(ctx, typeof command.text === 'string' ? command.text : '');
    } catch (err) {
      deps.logger.error({ err, userId: command.user_id }, '/secsol failed');
      const text = 'Sorry, secsol could not answer that right now. Try again in a moment.';
      if (!acked) await ack({ response_type: 'ephemeral', text });
      else await respond({ response_type: 'ephemeral', text }).catch(() => undefined);
    }
  });
  registerStatusPage(app, deps, status);
}
