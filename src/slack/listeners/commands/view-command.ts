/** `/secsol view <solution>`: one solution in detail, with its management buttons. */
import { solutionViewMessage } from '../../blocks/view-blocks.js';
import { ackWith, type CommandContext, resolveOrHelp } from './command-context.js';

export async function viewCommand(ctx: CommandContext, ref: string): Promise<void> {
  const record = await resolveOrHelp(ctx, ref);
  if (!record) return;
  const [detail, availability, held] = await Promise.all([
    ctx.status.detail(record),
    ctx.deps.availability?.of(record),
    ctx.deps.maintenance?.holding(record.solution.id, ctx.deps.now()),
  ]);
  const maintenance = held ? { ...held.window, end: held.end } : null;
  await ackWith(
    ctx,
    solutionViewMessage({ ...detail, availability, maintenance, defaultChannel: ctx.deps.defaultChannel }),
  );
}
