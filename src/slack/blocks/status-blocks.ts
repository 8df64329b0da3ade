/**
 * `/secsol status` (pure builders): the Security solutions page at a glance. Counts per state, connected
 * solutions worst first, discovered solutions with Connect, data sources with Add. The block count is
 * fixed by the page size, not by the number of solutions: at any size the message is a summary, one page
 * of the worst solutions and "…and N more" with a button to the next page.
 */
import type { KnownBlock } from '@slack/types';
import { DATA_SOURCES, type DataSource } from '../../domain/data-sources.js';
import { type HealthState, STATE_LABEL } from '../../domain/model.js';
import type { JudgedSolution, StatusSnapshot } from '../../services/status-service.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import { ACTION } from '../action-values.js';
import { escTrunc, oneLine, slackDate } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';
import { AZURE_CONNECT_CONFIRM, STATE_EMOJI, sourceBadge } from './state-style.js';

/** Connected solutions per page: with the other parts this keeps a page under ~45 blocks and ~10k chars. */
export const STATUS_PAGE_SIZE = 20;
/** Discovered solutions shown on the first page (`/secsol discovered` lists more). */
export const STATUS_DISCOVERED = 5;
/** Discovered solutions listed by `/secsol discovered`. */
export const DISCOVERED_LIST_MAX = 30;
export const MAX_MESSAGE_BLOCKS = 50;
/** The highest page a button may ask for (`pageRef` allows up to 10 000). */
export const MAX_PAGE = 10_000;

/** Worst first, the order the summary reads in. */
const SUMMARY_ORDER: HealthState[] = ['unhealthy', 'stopped_reporting', 'not_reported', 'healthy'];

const nf = new Intl.NumberFormat('en-US');

type Button = ReturnType<typeof button> & { confirm?: typeof AZURE_CONNECT_CONFIRM };

function section(text: string, accessory?: Button): KnownBlock {
  return accessory
    ? { type: 'section', text: { type: 'mrkdwn', text }, accessory }
    : { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function button(actionId: string, label: string, value: object, style?: 'primary' | 'danger') {
  return {
    type: 'button' as const,
    action_id: actionId,
    text: { type: 'plain_text' as const, text: label },
    value: JSON.stringify(value),
    ...(style ? { style } : {}),
  };
}

export function solutionName(record: { solution: { name: string } }, max = 100): string {
  return escTrunc(oneLine(record.solution.name), max);
}

/** The counts per state with their colored markers, as section fields (App Home reuses this). */
export function countsBlock(counts: Record<HealthState, number>, discovered?: number): KnownBlock {
  const fields = SUMMARY_ORDER.map((s) => ({
    type: 'mrkdwn' as const,
    text: `${STATE_EMOJI[s]} ${STATE_LABEL[s]}\n*${nf.format(counts[s])}*`,
  }));
  if (discovered !== undefined) {
    fields.push({ type: 'mrkdwn', text: `:mag: Discovered\n*${nf.format(discovered)}*` });
  }
  return { type: 'section', block_id: 'status_counts', fields };
}

/** One line of text for the counts (the message fallback, notifications, screen readers). */
export function countsText(counts: Record<HealthState, number>, discovered: number): string {
  const total = SUMMARY_ORDER.reduce((n, s) => n + counts[s], 0);
  const parts = SUMMARY_ORDER.map((s) => `${nf.format(counts[s])} ${STATE_LABEL[s].toLowerCase()}`);
  return `${nf.format(total)} connected security solutions: ${parts.join(', ')}; ${nf.format(discovered)} discovered`;
}

/** One connected solution: colored state, name, reason, last event, and View. */
export function connectedRow(j: JudgedSolution, now: number, maintenanceEnd?: number): KnownBlock {
  const { record, evaluation } = j;
  const s = record.solution;
  const lastEvent =
    record.facts.lastEventAt !== null ? `last event ${slackDate(record.facts.lastEventAt)}` : 'no events yet';
  const overlay =
    record.snoozedUntil !== undefined &&
    (record.snoozedUntil === Number.POSITIVE_INFINITY || record.snoozedUntil > now)
      ? ' :zzz:'
      : '';
  const badge = s.source === 'azure' ? ` · ${sourceBadge(s.source)}` : '';
  // An overlay, not a state: alerts are held until the window ends, the state is still judged.
  const maintenance =
    maintenanceEnd !== undefined ? ` · :construction: in maintenance until ${slackDate(maintenanceEnd)}` : '';
  const text =
    `${STATE_EMOJI[evaluation.state]} *${solutionName(record)}* · ${STATE_LABEL[evaluation.state]}${overlay}${badge}${maintenance}\n` +
    `${escTrunc(oneLine(evaluation.reason), 160)} · ${lastEvent}`;
  return section(text, button(ACTION.view, 'View', { s: s.id }));
}

export function discoveredRow(record: SolutionRecord): KnownBlock {
  const s = record.solution;
  const azure = s.source === 'azure';
  const unlisted = azure && record.facts.unlistedAt ? ' · Defender for Cloud no longer lists it' : '';
  const text =
    `:mag: *${solutionName(record)}* (${escTrunc(oneLine(s.vendor), 60)}, ${s.family})${azure ? ` · ${sourceBadge(s.source)}` : ''}\n` +
    `Discovered ${slackDate(s.createdAt)} · not connected: no alerts yet${unlisted}`;
  const connect = button(ACTION.connect, 'Connect', { s: s.id, v: s.version }, 'primary');
  return section(text, azure ? { ...connect, confirm: AZURE_CONNECT_CONFIRM } : connect);
}

export function sourceRow(source: DataSource): KnownBlock {
  return section(
    `:electric_plug: *${escTrunc(source.name, 100)}*\n${escTrunc(source.description, 300)}`,
    button(ACTION.addSource, 'Add', { k: source.key }),
  );
}

export interface StatusOptions {
  /** 0 is the whole page; later pages list only the connected solutions. */
  page?: number;
  sources?: readonly DataSource[];
  /** Solutions of the page in a maintenance window now, with when it ends (an overlay). */
  maintenance?: ReadonlyMap<string, number>;
}

export function pageCount(connected: number): number {
  return Math.max(1, Math.ceil(connected / STATUS_PAGE_SIZE));
}

export function statusMessage(snapshot: StatusSnapshot, opts: StatusOptions = {}): SlackMessage {
  const sources = opts.sources ?? DATA_SOURCES;
  const total = snapshot.connectedTotal ?? snapshot.connected.length;
  const pages = pageCount(total);
  const page = Math.min(Math.max(0, Math.floor(opts.page ?? 0)), pages - 1, MAX_PAGE);
  const start = page * STATUS_PAGE_SIZE;
  // The snapshot holds all connected solutions, or the page read from the read model at its offset.
  const from = Math.max(0, start - (snapshot.offset ?? 0));
  const shown = snapshot.connected.slice(from, from + STATUS_PAGE_SIZE);
  const discoveredTotal = snapshot.discoveredTotal ?? snapshot.discovered.length;
  const rest = total - start - shown.length;

  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Security solutions' } },
    countsBlock(snapshot.counts, discoveredTotal),
  ];
  blocks.push({ type: 'divider' });
  if (total === 0) {
    blocks.push(
      section('*Connected solutions*\nNone yet. Connect a discovered solution, or add a data source below.'),
    );
  } else {
    const range =
      total > shown.length
        ? ` (${nf.format(start + 1)}–${nf.format(start + shown.length)} of ${nf.format(total)}, worst first)`
        : ` (${nf.format(total)}, worst first)`;
    blocks.push(section(`*Connected solutions*${range}`));
    for (const j of shown)
      blocks.push(connectedRow(j, snapshot.now, opts.maintenance?.get(j.record.solution.id)));
    if (rest > 0) {
      blocks.push(
        section(
          `…and ${nf.format(rest)} more.`,
          button(ACTION.page, `Next ${Math.min(STATUS_PAGE_SIZE, rest)} →`, { p: page + 1 }),
        ),
      );
    }
    if (page > 0) {
      blocks.push(
        section(`Page ${page + 1} of ${nf.format(pages)}.`, button(ACTION.page, '← Back', { p: page - 1 })),
      );
    }
  }

  if (page === 0) {
    blocks.push({ type: 'divider' });
    const d = snapshot.discovered;
    if (discoveredTotal === 0) {
      blocks.push(section('*Discovered solutions*\nNone: nothing is waiting to be connected.'));
    } else {
      blocks.push(section(`*Discovered solutions* (${nf.format(discoveredTotal)}): running, not connected`));
      for (const r of d.slice(0, STATUS_DISCOVERED)) blocks.push(discoveredRow(r));
      if (discoveredTotal > STATUS_DISCOVERED) {
        blocks.push(
          context(`…and ${nf.format(discoveredTotal - STATUS_DISCOVERED)} more: \`/secsol discovered\``),
        );
      }
    }
    blocks.push({ type: 'divider' });
    blocks.push(section('*Add data sources*: other sources that can be connected'));
    for (const s of sources.slice(0, 8)) blocks.push(sourceRow(s));
  }
  blocks.push(
    context(
      `As of ${slackDate(snapshot.now)} · \`/secsol view &lt;solution&gt;\` for details · \`/secsol help\` for every command`,
    ),
  );
  return { text: countsText(snapshot.counts, discoveredTotal), blocks: capBlocks(blocks) };
}

/** `/secsol discovered`: the discovered solutions with Connect. */
export function discoveredMessage(discovered: SolutionRecord[], now: number): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Discovered solutions' } },
  ];
  if (discovered.length === 0) {
    blocks.push(
      section(
        'No discovered solutions: nothing is running unconnected. Solutions that enroll through the API, or that Defender for Cloud finds, appear here.',
      ),
    );
  } else {
    blocks.push(
      section(
        `${nf.format(discovered.length)} security solution${discovered.length === 1 ? ' is' : 's are'} running but not connected. *Connect* integrates one and starts its security alerts (approvers connect at once; anyone else sends a request).`,
      ),
    );
    for (const r of discovered.slice(0, DISCOVERED_LIST_MAX)) blocks.push(discoveredRow(r));
    if (discovered.length > DISCOVERED_LIST_MAX) {
      blocks.push(
        context(`…and ${nf.format(discovered.length - DISCOVERED_LIST_MAX)} more (newest shown first).`),
      );
    }
  }
  blocks.push(context(`As of ${slackDate(now)}`));
  return {
    text: `${nf.format(discovered.length)} discovered security solution${discovered.length === 1 ? '' : 's'}`,
    blocks: capBlocks(blocks),
  };
}

/** A last guard: a message over the limit is refused by Slack as a whole, so cut it and say so. */
export function capBlocks(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= MAX_MESSAGE_BLOCKS) return blocks;
  return [...blocks.slice(0, MAX_MESSAGE_BLOCKS - 1), context('…cut to fit one Slack message.')];
}
