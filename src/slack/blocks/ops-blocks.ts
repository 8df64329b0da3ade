/** Notices about secsol itself (e.g. evaluation stopped and came back late). Text is ours, not users'. */
import type { SlackMessage } from './alert-blocks.js';

export function opsNoticeMessage(text: string): SlackMessage {
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: *secsol*: ${text}` } }],
  };
}
