/** `/secsol sources` (alias `add`): the data sources that can be added, each with Add. */
import { sourcesMessage } from '../../blocks/sources-blocks.js';
import { ackWith, type CommandContext } from './command-context.js';

export async function sourcesCommand(ctx: CommandContext): Promise<void> {
  await ackWith(ctx, sourcesMessage());
}
