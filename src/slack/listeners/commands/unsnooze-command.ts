/** `/secsol unsnooze <solution>`: alerts flow again. Audited with who asked. */
import { escTrunc, oneLine } from '../../mrkdwn.js';
import { ackWith, type CommandContext, resolveOrHelp } from './command-context.js';
import { plain } from './snooze-command.js';

export async function unsnoozeCommand(ctx: CommandContext, ref: string): Promise<void> {
  const record = await resolveOrHelp(ctx, ref);
  if (!record) return;
  const s = record.solution;
  const name = escTrunc(oneLine(s.name), 150);
  const now = ctx.deps.now();
  const wasSnoozed =
    record.snoozedUntil !== undefined &&
    (record.snoozedUntil === Number.POSITIVE_INFINITY || record.snoozedUntil > now);
  const applied = await ctx.deps.solutions.unsnooze(s.id);
  await ctx.deps.audit.record({
    at: now,
    actor: `slack:${ctx.userId}`,
    action: 'solution.unsnooze',
    solutionId: s.id,
    outcome: applied ? (wasSnoozed ? 'applied' : 'applied: was not snoozed') : 'refused: not found',
  });
  const text = !applied
    ? `*${name}* was deleted meanwhile.`
    : wasSnoozed
      ? `:bell: Alerts for *${name}* flow again.`
      : `*${name}* was not snoozed: its alerts already flow.`;
  await ackWith(ctx, plain(text));
}
