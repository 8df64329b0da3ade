/**
 * "Add data sources" (pure builders): the catalogue with Add buttons, and the step-by-step instructions
 * one Add shows. The texts are ours; the base URL comes from the configuration and is escaped anyway.
 */
import type { KnownBlock } from '@slack/types';
import { DATA_SOURCES, dataSourceByKey, dataSourceSteps } from '../../domain/data-sources.js';
import { esc, escCode } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';
import { sourceRow } from './status-blocks.js';

/** `/secsol sources` (alias `add`): every data source with its Add button. */
export function sourcesMessage(): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Add data sources' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Other security data sources that can be connected, including machines on premises and in other clouds. *Add* shows how.',
      },
    },
    ...DATA_SOURCES.map(sourceRow),
  ];
  return { text: `${DATA_SOURCES.length} kinds of data sources can be added`, blocks };
}

function numbered(steps: string[], from: number): string {
  return steps.map((step, i) => `${from + i}. ${step}`).join('\n');
}

/** The instructions for one data source; null when the key is not in the catalogue. */
export function dataSourceInstructions(key: string, baseUrl: string): SlackMessage | null {
  const source = dataSourceByKey(key);
  if (!source) return null;
  const { setup, command, after } = dataSourceSteps(source, baseUrl);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:electric_plug: *Add ${esc(source.name)}*\n${esc(source.description)}` },
    },
  ];
  if (setup.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: numbered(setup.map(esc), 1) } });
  }
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `${setup.length + 1}. Enroll it (edit the name, vendor and family first):\n\`\`\`${escCode(command)}\`\`\``,
    },
  });
  if (after.length > 0) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: numbered(after.map(esc), setup.length + 2) },
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: 'The enrollment key is never shown in Slack: ask a secsol admin for it. Enrolled sources arrive as *discovered* and need an approver’s approval.',
      },
    ],
  });
  return { text: `How to add ${esc(source.name)}`, blocks };
}
