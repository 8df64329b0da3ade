/** `/secsol help` (pure builder): every subcommand, optionally after a line saying what went wrong. */
import type { KnownBlock } from '@slack/types';
import { esc, escCode } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';

export const HELP_LINES: readonly [string, string][] = [
  [
    '/secsol status',
    'every solution at a glance: counts, worst first, discovered, data sources (the default)',
  ],
  ['/secsol view <solution>', 'one solution: state and why, reports, events, resources, actions'],
  ['/secsol discovered', 'solutions running but not connected, with Connect'],
  ['/secsol sources', 'data sources that can be added, and how (alias: add)'],
  ['/secsol alerts [solution]', 'recent state changes and security events, everywhere or for one solution'],
  ['/secsol history <solution>', 'state changes and health reports of one solution'],
  ['/secsol snooze <solution> <duration>', 'hold alerts for 30m, 4h, 1d… (up to 30d), or `recovered`'],
  ['/secsol unsnooze <solution>', 'lift a snooze'],
  [
    '/secsol maintenance <solution|all> <duration> [reason]',
    'hold alerts during planned work; `list`, `end <id>` (approvers)',
  ],
  ['/secsol help', 'this list'],
];

/** `problem` is already escaped mrkdwn (it may quote what the user typed). */
export function helpMessage(problem?: string): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${problem}` } });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*secsol: security solutions in Slack*\n${HELP_LINES.map(([cmd, what]) => `\`${escCode(cmd)}\`: ${esc(what)}`).join('\n')}`,
    },
  });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: 'Name a solution by its id or by its exact name (any case), e.g. `/secsol view qualys-va`.',
      },
    ],
  });
  return { text: problem ? `${problem} (see /secsol help)` : 'secsol commands: /secsol help', blocks };
}
