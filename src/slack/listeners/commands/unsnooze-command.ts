/** `/secsol unsnooze <solution>`: alerts flow again. Audited with who asked; an open incident's message shows it. */
import { escTrunc, oneLine } from '../../mrkdwn.js';
import { maySnooze, NOT_A_SNOOZER } from '../snooze-permission.js';
import { ackWith, type CommandContext, resolveOrHelp } from './command-context.js';
import { plain } from './snooze-command.js';

const ANSWER = {
  missing: (name: string) => `*${name}* was deleted meanwhile.`,
  applied: (name: string) => `:bell: Alerts for *${name}* flow again.`,
  'not-snoozed': (name: string) => `*${name}* was not snoozed: its alerts already flow.`,
};

export async function unsnoozeCommand(ctx: CommandContext, ref: string): Promise<void> {
  const record = await resolveOrHelp(ctx, ref);
  if (!record) return;
  const name = escTrunc(oneLine(record.solution.name), 150);
  if (
    !(await maySnooze(ctx.deps, ctx.userId, { action: 'solution.unsnooze', solutionId: record.solution.id }))
  ) {
    await ackWith(ctx, plain(NOT_A_SNOOZER));
    return;
  }
  const result = await ctx.deps.incidents.unsnooze(record.solution.id, ctx.userId);
  await ackWith(ctx, plain(ANSWER[result](name)));
}
