/** `/secsol help`, and the answer to anything not understood. */
import { helpMessage } from '../../blocks/help-blocks.js';
import { esc } from '../../mrkdwn.js';
import { ackWith, type CommandContext } from './command-context.js';

/** `problem` is plain text (it may quote the user): escaped here. */
export async function helpCommand(ctx: CommandContext, problem?: string): Promise<void> {
  await ackWith(ctx, helpMessage(problem === undefined ? undefined : esc(problem)));
}
