/** `/secsol status` (and the bare `/secsol`), plus the page buttons under it. */
import type { App, BlockButtonAction } from '@slack/bolt';
import type { StatusService, StatusSnapshot } from '../../../services/status-service.js';
import { ACTION, pageRef, parseValue } from '../../action-values.js';
import { MAX_PAGE, STATUS_PAGE_SIZE, statusMessage } from '../../blocks/status-blocks.js';
import type { SlackDeps } from '../../slack-deps.js';
import { ackWith, type CommandContext } from './command-context.js';

/** How long the status may take to answer within the ack; Slack gives up at 3 s. */
export const STATUS_ACK_BUDGET_MS = 2000;

/**
 * Answered in the ack when it is ready in time (counts and one page from the status read model, whatever
 * the number of solutions). Past the budget (a very large fleet, a slow Redis) the ack says it is coming and the answer
 * follows through the response URL, so Slack never shows a timeout.
 */
export async function statusCommand(ctx: CommandContext, budgetMs = STATUS_ACK_BUDGET_MS): Promise<void> {
  const pending = ctx.status.snapshot({ limit: STATUS_PAGE_SIZE });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
  });
  const quick = await Promise.race([pending, late]);
  clearTimeout(timer);
  if (quick) {
    await ackWith(ctx, statusMessage(quick, { page: 0, maintenance: await heldNow(ctx.deps, quick) }));
    return;
  }
  await ctx.ack({
    response_type: 'ephemeral',
    text: 'Reading every solution; the status follows in a moment.',
  });
  const snapshot = await pending;
  const message = statusMessage(snapshot, { page: 0, maintenance: await heldNow(ctx.deps, snapshot) });
  await ctx.respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
}

/** The page's solutions that a maintenance window holds now (the overlay); none without maintenance. */
async function heldNow(deps: SlackDeps, snapshot: StatusSnapshot): Promise<Map<string, number> | undefined> {
  const ids = snapshot.connected.map((j) => j.record.solution.id);
  return deps.maintenance?.holdingMany(ids, snapshot.now);
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
    const page = Math.min(Math.max(0, ref.p), MAX_PAGE);
    const snapshot = await status.snapshot({ offset: page * STATUS_PAGE_SIZE, limit: STATUS_PAGE_SIZE });
    const message = statusMessage(snapshot, { page, maintenance: await heldNow(deps, snapshot) });
    await respond({ replace_original: true, text: message.text, blocks: message.blocks });
  });
}
