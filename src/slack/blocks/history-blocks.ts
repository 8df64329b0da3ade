/**
 * `/secsol history <solution>` and `/secsol alerts [solution]` (pure builders): lists of state changes,
 * health reports and security events. Lists are capped and split over sections under Slack's 3000
 * characters per section; every user-controlled string is escaped.
 */
import type { KnownBlock } from '@slack/types';
import { type HealthReport, type SecurityEvent, STATE_LABEL } from '../../domain/model.js';
import type { ActivityFeed, SolutionHistory } from '../../services/status-service.js';
import type { FlipRecord } from '../../storage/flip-repository.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import { codeTrunc, escTrunc, oneLine, slackDate } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';
import { SEVERITY_EMOJI, STATE_EMOJI } from './state-style.js';

const SECTION_MAX = 2900;

/** Already-escaped lines packed into as few sections as fit, under a title. */
export function listSections(title: string, lines: string[], empty: string): KnownBlock[] {
  if (lines.length === 0) return [{ type: 'section', text: { type: 'mrkdwn', text: `${title}\n${empty}` } }];
  const blocks: KnownBlock[] = [];
  let current = title;
  for (const line of lines) {
    const cut = line.length > SECTION_MAX - 100 ? `${line.slice(0, SECTION_MAX - 100)}…` : line;
    if (current.length + cut.length + 1 > SECTION_MAX) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = cut;
    } else current = `${current}\n${cut}`;
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return blocks;
}

function name(n: string): string {
  return escTrunc(oneLine(n), 100);
}

export function flipLine(f: FlipRecord, solutionName?: string): string {
  const who = solutionName === undefined ? '' : `*${name(solutionName)}*: `;
  return `${STATE_EMOJI[f.to]} ${slackDate(f.at)} ${who}${STATE_LABEL[f.from]} → *${STATE_LABEL[f.to]}*: ${escTrunc(oneLine(f.reason), 200)}`;
}

export function reportLine(r: HealthReport): string {
  const mark = r.status === 'healthy' ? ':large_green_circle:' : ':red_circle:';
  const message = r.message ? `: ${escTrunc(oneLine(r.message), 150)}` : '';
  return `${mark} ${slackDate(r.observedAt)} *${r.status}*${message}`;
}

export function eventLine(e: SecurityEvent, solutionName?: string): string {
  const who = solutionName === undefined ? '' : ` · ${name(solutionName)}`;
  const resource = e.resource ? ` · \`${codeTrunc(oneLine(e.resource).replace(/`/g, "'"), 80)}\`` : '';
  return `${SEVERITY_EMOJI[e.severity] ?? ''} ${slackDate(e.observedAt)} *${e.severity}* ${escTrunc(oneLine(e.title), 150)}${who}${resource}`;
}

export function historyMessage(h: SolutionHistory): SlackMessage {
  const n = name(h.record.solution.name);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:scroll: *History of ${n}*` } },
    ...listSections(
      `*State changes* (newest first, ${h.flips.length})`,
      h.flips.map((f) => flipLine(f)),
      '_none yet_',
    ),
    ...listSections(
      `*Health reports* (newest first, ${h.reports.length})`,
      h.reports.map(reportLine),
      '_no health report received yet_',
    ),
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `As of ${slackDate(h.now)} · id \`${codeTrunc(h.record.solution.id, 80)}\`` },
      ],
    },
  ];
  return {
    text: `History of ${escTrunc(oneLine(h.record.solution.name), 150)}: ${h.flips.length} state changes, ${h.reports.length} health reports`,
    blocks: blocks.slice(0, 50),
  };
}

export function alertsMessage(feed: ActivityFeed, solution: SolutionRecord | null): SlackMessage {
  const scope = solution ? `for *${name(solution.solution.name)}*` : 'across all solutions';
  const perSolution = solution === null;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: *Recent alerts* ${scope}` } },
    ...listSections(
      '*State changes*',
      feed.flips.map((f) => flipLine(f, perSolution ? f.name : undefined)),
      '_no state changes recorded_',
    ),
    ...listSections(
      '*Security events*',
      feed.events.map((e) => eventLine(e, perSolution ? e.name : undefined)),
      '_no security events received_',
    ),
    { type: 'context', elements: [{ type: 'mrkdwn', text: `As of ${slackDate(feed.now)}` }] },
  ];
  const plainScope = solution
    ? `for ${escTrunc(oneLine(solution.solution.name), 150)}`
    : 'across all solutions';
  return {
    text: `Recent alerts ${plainScope}: ${feed.flips.length} state changes, ${feed.events.length} security events`,
    blocks: blocks.slice(0, 50),
  };
}
