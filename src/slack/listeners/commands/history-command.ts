/** `/secsol history <solution>`: its state changes and health reports. */
import { historyMessage } from '../../blocks/history-blocks.js';
import { ackThenRespond, type CommandContext, resolveOrHelp } from './command-context.js';

export async function historyCommand(ctx: CommandContext, ref: string): Promise<void> {
  const record = await resolveOrHelp(ctx, ref);
  if (!record) return;
  await ackThenRespond(ctx, async () => historyMessage(await ctx.status.history(record)));
}
