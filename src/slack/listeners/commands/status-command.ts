/** `/secsol status` (and the bare `/secsol`), plus the page buttons under it. */
import type { App, BlockButtonAction } from '@slack/bolt';
import type { StatusService } from '../../../services/status-service.js';
import { ACTION, pageRef, parseValue } from '../../action-values.js';
import { statusMessage } from '../../blocks/status-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';
import { ackWith, type CommandContext } from './command-context.js';

/** Answered in the ack: one pipelined read of every solution, well under Slack's 3 s at 10 000. */
export async function statusCommand(ctx: CommandContext): Promise<void> {
  const snapshot = await ctx.status.snapshot();
  await ackWith(ctx, statusMessage(snapshot, { page: 0 }));
}

/** Next / Back under the status list: the same message, another page, replacing the one clicked. */
export function registerStatusPage(app: App, deps: SlackDeps, status: StatusService): void {
  app.action<BlockButtonAction>(ACTION.page, async ({ ack, action, respond, body }) => {
    await ack();
    const ref = parseValue(pageRef, action.value);
    if (!ref) {
      deps.logger.warn({ userId: body.user.id }, 'refused a status page button with a bad value');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That button is out of date. Run `/secsol status` again.',
      });
      return;
    }
    const message = statusMessage(await status.snapshot(), { page: ref.p });
    await respond({ replace_original: true, text: message.text, blocks: message.blocks });
  });
}
