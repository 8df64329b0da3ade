/** `/secsol discovered`: solutions running but not connected, each with Connect. */
import { discoveredMessage } from '../../blocks/status-blocks.js';
import { ackWith, type CommandContext } from './command-context.js';

export async function discoveredCommand(ctx: CommandContext): Promise<void> {
  const snapshot = await ctx.status.snapshot();
  await ackWith(ctx, discoveredMessage(snapshot.discovered, snapshot.now));
}
