/**
 * `/secsol snooze <solution> <duration|recovered>`: holds the solution's alerts; its state is still
 * tracked (an overlay, not a state). Audited with who asked; an open incident's message shows it.
 */
import { UNTIL_RECOVERED } from '../../../domain/incident.js';
import { escTrunc, oneLine, slackDate } from '../../mrkdwn.js';
import { maySnooze, NOT_A_SNOOZER } from '../snooze-permission.js';
import { ackWith, type CommandContext, resolveOrHelp } from './command-context.js';

export async function snoozeCommand(
  ctx: CommandContext,
  ref: string,
  until: { ms: number; text: string } | 'recovered',
): Promise<void> {
  const record = await resolveOrHelp(ctx, ref);
  if (!record) return;
  const s = record.solution;
  const name = escTrunc(oneLine(s.name), 150);
  if (s.lifecycle !== 'connected') {
    await ackWith(
      ctx,
      plain(`*${name}* is not connected: it sends no alerts, so there is nothing to snooze.`),
    );
    return;
  }
  const detail = until === 'recovered' ? 'recovered' : until.text;
  if (!(await maySnooze(ctx.deps, ctx.userId, { action: 'solution.snooze', solutionId: s.id, detail }))) {
    await ackWith(ctx, plain(NOT_A_SNOOZER));
    return;
  }
  const now = ctx.deps.now();
  const at = until === 'recovered' ? UNTIL_RECOVERED : now + until.ms;
  const applied = await ctx.deps.incidents.snooze(s.id, at, ctx.userId, {
    action: 'solution.snooze',
    detail: until === 'recovered' ? 'recovered' : until.text,
  });
  if (!applied) {
    await ackWith(ctx, plain(`*${name}* was deleted meanwhile: nothing was snoozed.`));
    return;
  }
  const whenText = until === 'recovered' ? 'until it recovers' : `until ${slackDate(at)} (${until.text})`;
  await ackWith(
    ctx,
    plain(
      `:zzz: Alerts for *${name}* are held ${whenText}. Its state is still tracked; \`/secsol unsnooze ${escTrunc(s.id, 80)}\` lifts it.`,
    ),
  );
}

export function plain(text: string) {
  return { text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] };
}
