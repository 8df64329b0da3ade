/**
 * App Home (pure builder): a personal dashboard. Counts per state, the worst solutions, the viewer's own
 * snoozes and recent delivery errors. Every list is capped, so the view stays far below Slack's 100 blocks
 * and 3000 characters per section whatever the number of solutions.
 */
import type { HomeView, KnownBlock } from '@slack/types';
import type { ConnectorStatus } from '../../connector/azure/connector-state.js';
import { STATE_LABEL } from '../../domain/model.js';
import type { ExportSummary } from '../../export/export-repository.js';
import { type Availability, formatAvailability } from '../../services/availability-service.js';
import type { JudgedSolution, StatusSnapshot } from '../../services/status-service.js';
import type { DeliveryError } from '../../storage/delivery-repository.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import { codeTrunc, escTrunc, mentionUser, oneLine, slackDate } from '../mrkdwn.js';
import { STATE_EMOJI } from './state-style.js';
import { countsBlock } from './status-blocks.js';

export const HOME_WORST = 10;
export const HOME_SNOOZES = 10;
export const HOME_ERRORS = 5;

export interface HomeInput {
  userId: string;
  snapshot: StatusSnapshot;
  /** Newest first. */
  deliveryErrors: DeliveryError[];
  /** Continuous export's totals; absent when export is off. */
  exportSummary?: ExportSummary;
  /** The solutions with a snooze recorded; the snapshot's connected solutions when absent. */
  snoozed?: JudgedSolution[];
  /** The Defender for Cloud connector's health, when it is on. */
  azure?: ConnectorStatus;
  /** Maintenance windows in force or planned, as `maintenanceLine` renders them (§10.1). */
  maintenance?: string[];
  /** Availability of the solutions shown among the worst, by id (docs/contract.md §10.3). */
  availability?: Map<string, Availability>;
}

/** The worst solutions App Home lists (the ones whose availability it shows). */
export function homeWorst(snapshot: StatusSnapshot): JudgedSolution[] {
  return snapshot.connected.filter((j) => j.evaluation.state !== 'healthy').slice(0, HOME_WORST);
}

const nf = new Intl.NumberFormat('en-US');

function section(text: string): KnownBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: text.length > 3000 ? `${text.slice(0, 2998)}…` : text },
  };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function name(record: SolutionRecord): string {
  return escTrunc(oneLine(record.solution.name), 100);
}

function snoozeActive(record: SolutionRecord, now: number): boolean {
  return record.snoozedUntil !== undefined && record.snoozedUntil > now;
}

function worstRow(j: JudgedSolution, now: number, availability: Availability | undefined): KnownBlock {
  const { record, evaluation } = j;
  const overlays: string[] = [];
  if (snoozeActive(record, now)) overlays.push(':zzz: snoozed');
  if (record.acknowledgedBy)
    overlays.push(`acknowledged by ${mentionUser(record.acknowledgedBy.replace(/^slack:/, ''))}`);
  const lastEvent =
    record.facts.lastEventAt !== null ? `last event ${slackDate(record.facts.lastEventAt)}` : 'no events yet';
  const avail = availability ? ` · 30-day availability ${formatAvailability(availability['30d'])}` : '';
  return section(
    `${STATE_EMOJI[evaluation.state]} *${name(record)}* · ${STATE_LABEL[evaluation.state]}${overlays.length ? ` · ${overlays.join(' · ')}` : ''}\n` +
      `${escTrunc(oneLine(evaluation.reason), 200)} · ${lastEvent}${avail} · \`${codeTrunc(record.solution.id, 64)}\``,
  );
}

function snoozeRow(j: JudgedSolution): KnownBlock {
  const { record, evaluation } = j;
  const until =
    record.snoozedUntil === Number.POSITIVE_INFINITY
      ? 'until it recovers'
      : `until ${slackDate(record.snoozedUntil ?? 0)}`;
  return section(
    `:zzz: *${name(record)}*: alerts held ${until} · now ${STATE_EMOJI[evaluation.state]} ${STATE_LABEL[evaluation.state]}`,
  );
}

/** The Defender for Cloud connector: reading, failing (since when, why), or not read yet. */
export function connectorBlock(status: ConnectorStatus): KnownBlock {
  const title = '*Microsoft Defender for Cloud connector*';
  const errors = `${nf.format(status.errors)} failed read${status.errors === 1 ? '' : 's'} so far`;
  if (status.failingSince !== undefined) {
    const last =
      status.lastSuccessAt !== undefined
        ? `last good read ${slackDate(status.lastSuccessAt)}`
        : 'no good read yet';
    return section(
      `:warning: ${title}: failing since ${slackDate(status.failingSince)} (${errors}; ${last})
` +
        `\`${codeTrunc(oneLine(status.lastError ?? 'unknown error').replace(/`/g, "'"), 500)}\`
` +
        'Solutions read from Azure keep their last known state until it reads Azure again.',
    );
  }
  if (status.lastSuccessAt === undefined)
    return section(`:hourglass_flowing_sand: ${title}: not read Azure yet`);
  return section(
    `:white_check_mark: ${title}: last read Azure ${slackDate(status.lastSuccessAt)} · ${errors}`,
  );
}

function errorRow(e: DeliveryError, names: Map<string, string>): KnownBlock {
  const channel = /^[CG][A-Z0-9]{2,}$/.test(e.channel) ? `<#${e.channel}>` : escTrunc(oneLine(e.channel), 40);
  const what = e.solutionId
    ? `*${escTrunc(oneLine(names.get(e.solutionId) ?? e.solutionId), 100)}*`
    : `\`${codeTrunc(e.itemId, 80)}\``;
  const where = e.kind === 'export' ? 'to the SIEM export' : `in ${channel}`;
  return section(`:warning: ${slackDate(e.at)} · ${what} ${where}: \`${codeTrunc(oneLine(e.error), 300)}\``);
}

/** Continuous export at a glance: what waits, what went, what failed, and why it is retrying. */
function exportSection(x: ExportSummary): KnownBlock {
  const totals = `${nf.format(x.waiting)} waiting · ${nf.format(x.delivered)} delivered · ${nf.format(x.failed)} failed`;
  const lines = [
    `*SIEM export*\n${x.retrying > 0 || x.redrivable > 0 ? ':warning:' : ':white_check_mark:'} ${totals}`,
  ];
  if (x.retrying > 0) {
    const next = x.nextAttemptAt !== undefined ? `, next attempt ${slackDate(x.nextAttemptAt)}` : '';
    lines.push(
      `The receiver is not taking messages for ${nf.format(x.retrying)} solution${x.retrying === 1 ? '' : 's'}${next}: \`${codeTrunc(oneLine(x.lastError ?? ''), 300)}\``,
    );
  }
  if (x.redrivable > 0)
    lines.push(
      `${nf.format(x.redrivable)} failed message${x.redrivable === 1 ? ' is' : 's are'} listed with the delivery errors and can be sent again.`,
    );
  return section(lines.join('\n'));
}

export function homeView(input: HomeInput): HomeView {
  const { snapshot, userId } = input;
  const { now } = snapshot;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Security solutions' } },
    context(`Your secsol dashboard, ${mentionUser(userId)} · as of ${slackDate(now)}`),
    countsBlock(snapshot.counts, snapshot.discoveredTotal ?? snapshot.discovered.length),
    { type: 'divider' },
  ];

  // The snapshot's connected solutions are the worst ones (a page of the read model); counts are for all.
  const attention = snapshot.connected.filter((j) => j.evaluation.state !== 'healthy');
  const connectedTotal = snapshot.connectedTotal ?? snapshot.connected.length;
  const notHealthy = connectedTotal - snapshot.counts.healthy;
  if (attention.length === 0) {
    blocks.push(
      section(
        connectedTotal === 0
          ? '*Worst solutions*\nNo connected solutions yet. `/secsol status` shows the discovered ones and how to add data sources.'
          : '*Worst solutions*\n:large_green_circle: Every connected solution is healthy.',
      ),
    );
  } else {
    blocks.push(section(`*Worst solutions* (${nf.format(notHealthy)} not healthy, worst first)`));
    for (const j of attention.slice(0, HOME_WORST))
      blocks.push(worstRow(j, now, input.availability?.get(j.record.solution.id)));
    if (notHealthy > HOME_WORST) {
      blocks.push(context(`…and ${nf.format(notHealthy - HOME_WORST)} more: \`/secsol status\``));
    }
  }

  if (input.maintenance && input.maintenance.length > 0) {
    const lines = input.maintenance.slice(0, 5);
    const more =
      input.maintenance.length > 5
        ? `\n…and ${input.maintenance.length - 5} more: \`/secsol maintenance list\``
        : '';
    blocks.push(
      { type: 'divider' },
      section(`*Maintenance* (alerts held, states still tracked)\n${lines.join('\n')}${more}`),
    );
  }

  blocks.push({ type: 'divider' });
  const mine = (input.snoozed ?? snapshot.connected).filter(
    (j) => snoozeActive(j.record, now) && j.record.snoozedBy?.replace(/^slack:/, '') === userId,
  );
  // Owned among the solutions read (the worst page and the snoozed ones): there is no owner index yet.
  const owned = new Set(
    [...snapshot.connected, ...(input.snoozed ?? [])]
      .filter((j) => j.record.solution.owner === userId)
      .map((j) => j.record.solution.id),
  ).size;
  const ownedText =
    owned > 0 ? ` · you own ${nf.format(owned)} connected solution${owned === 1 ? '' : 's'}` : '';
  if (mine.length === 0) {
    blocks.push(section(`*My snoozes*\nYou have no active snoozes${ownedText}.`));
  } else {
    blocks.push(section(`*My snoozes* (${nf.format(mine.length)})${ownedText}`));
    for (const j of mine.slice(0, HOME_SNOOZES)) blocks.push(snoozeRow(j));
    if (mine.length > HOME_SNOOZES) {
      blocks.push(
        context(`…and ${nf.format(mine.length - HOME_SNOOZES)} more · \`/secsol unsnooze <solution>\``),
      );
    }
  }

  if (input.azure) blocks.push({ type: 'divider' }, connectorBlock(input.azure));

  blocks.push({ type: 'divider' });
  const errors = input.deliveryErrors.slice(0, HOME_ERRORS);
  if (errors.length === 0) {
    blocks.push(section('*Delivery errors*\n:white_check_mark: Every recent message reached Slack.'));
  } else {
    const names = new Map<string, string>();
    for (const j of snapshot.connected) names.set(j.record.solution.id, j.record.solution.name);
    for (const r of snapshot.discovered) names.set(r.solution.id, r.solution.name);
    blocks.push(section(`*Delivery errors* (latest ${errors.length}): messages secsol could not post`));
    for (const e of errors) blocks.push(errorRow(e, names));
  }
  if (input.exportSummary) blocks.push({ type: 'divider' }, exportSection(input.exportSummary));
  blocks.push(
    context(
      '`/secsol status` for the whole page · `/secsol view <solution>` for one · `/secsol help` for every command',
    ),
  );
  return { type: 'home', blocks };
}
