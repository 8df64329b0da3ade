/** `/secsol alerts [solution]`: recent state changes and security events, everywhere or for one solution. */
import { alertsMessage } from '../../blocks/history-blocks.js';
import { ackThenRespond, type CommandContext, resolveOrHelp } from './command-context.js';

export async function alertsCommand(ctx: CommandContext, ref: string | null): Promise<void> {
  const record = ref === null ? null : await resolveOrHelp(ctx, ref);
  if (ref !== null && !record) return;
  await ackThenRespond(ctx, async () => alertsMessage(await ctx.status.activity(record), record));
}
