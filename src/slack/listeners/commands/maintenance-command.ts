/**
 * `/secsol maintenance …` (docs/contract.md §10.1): approvers start a window for one solution or all, list
 * the active and upcoming ones, and end one now. Windows are announced in the alert channel and audited by
 * the service; a refusal is audited too.
 */

import { maintenanceLine } from '../../blocks/routing-blocks.js';
import { escTrunc, oneLine, slackDate } from '../../mrkdwn.js';
import { checkApprover, notApproverText } from '../actions/approver-gate.js';
import { ackWith, type CommandContext, resolveOrHelp } from './command-context.js';
import type { MaintenanceCommand } from './parse-maintenance.js';
import { plain } from './snooze-command.js';

type Cmd = Extract<MaintenanceCommand, { kind: 'maintenance' }>;

export async function maintenanceCommand(ctx: CommandContext, cmd: Cmd): Promise<void> {
  const service = ctx.deps.maintenance;
  if (!service) {
    await ackWith(ctx, plain('Maintenance windows are not available here.'));
    return;
  }
  if (cmd.action === 'list') {
    const windows = await service.list(1);
    const lines = windows.slice(0, 20).map(({ window, next }) => {
      const o = next[0] as { start: number; end: number };
      return maintenanceLine({ ...window, start: o.start, end: o.end });
    });
    const more =
      windows.length > 20 ? `\n…and ${windows.length - 20} more (\`GET /api/v1/maintenance\`)` : '';
    await ackWith(
      ctx,
      plain(
        lines.length > 0
          ? `*Maintenance windows*\n${lines.join('\n')}${more}`
          : 'No maintenance window is active or planned.',
      ),
    );
    return;
  }
  const attempt =
    cmd.action === 'end'
      ? { action: 'maintenance.end', detail: cmd.id.slice(0, 40) }
      : { action: 'maintenance.start', detail: `${cmd.ref.slice(0, 80)} ${cmd.text}` };
  if (!(await checkApprover(ctx.deps, ctx.userId, attempt))) {
    await ackWith(ctx, plain(notApproverText(ctx.deps, 'manage maintenance windows')));
    return;
  }
  const actor = `slack:${ctx.userId}`;
  if (cmd.action === 'end') {
    const outcome = /^mnt-[0-9a-f]{10}$/.test(cmd.id) ? await service.end(cmd.id, actor) : 'missing';
    const id = escTrunc(oneLine(cmd.id), 40);
    const text = {
      ended: `:white_check_mark: Maintenance \`${id}\` ended; the alerts it held are released now.`,
      missing: `No maintenance window \`${id}\`. \`/secsol maintenance list\` shows them.`,
      over: `Maintenance \`${id}\` is already over.`,
    }[outcome];
    await ackWith(ctx, plain(text));
    return;
  }
  let solutions: string[] | 'all' = 'all';
  let name = 'all solutions';
  if (cmd.ref !== 'all') {
    const record = await resolveOrHelp(ctx, cmd.ref);
    if (!record) return;
    solutions = [record.solution.id];
    name = `*${escTrunc(oneLine(record.solution.name), 150)}*`;
  }
  const now = ctx.deps.now();
  const result = await service.create({ solutions, durationMs: cmd.ms, reason: cmd.reason }, actor);
  if (result.outcome !== 'created') {
    await ackWith(ctx, plain('That solution was deleted meanwhile: no window was started.'));
    return;
  }
  await ackWith(
    ctx,
    plain(
      `:construction: Maintenance \`${result.window.id}\` for ${name} until ${slackDate(now + cmd.ms)} (${cmd.text}). ` +
        `Alerts are held and the state is still tracked; at the end each solution still bad gets one alert. ` +
        `\`/secsol maintenance end ${result.window.id}\` ends it early.`,
    ),
  );
}
