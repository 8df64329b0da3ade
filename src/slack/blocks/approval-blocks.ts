/** The connection request posted to the approval channel, before and after a decision (pure). */
import type { KnownBlock } from '@slack/types';
import type { Solution } from '../../domain/model.js';
import { codeTrunc, escTrunc, link, mentionUser, oneLine, slackDate } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';

export interface ApprovalView {
  enrollmentId: string;
  solution: Pick<Solution, 'id' | 'name' | 'vendor' | 'family' | 'consoleUrl' | 'description' | 'version'>;
  requestedBy: string;
  requestedAt: number;
  decision?: { status: 'approved' | 'denied'; by: string; at: number };
}

/**
 * A request whose solution was deleted before anyone decided: the solution is gone, so the message keeps
 * only what the request recorded, and no buttons.
 */
export function cancelledRequestMessage(v: {
  solutionId: string;
  solutionName?: string | undefined;
  requestedBy: string;
  requestedAt: number;
  cancelledBy: string;
  cancelledAt: number;
}): SlackMessage {
  const what = v.solutionName ? `*${escTrunc(oneLine(v.solutionName), 150)}*` : 'A solution';
  const text = `:wastebasket: ${what} asked to be connected; the request was cancelled because the solution was deleted.`;
  return {
    text: `${what} asked to be connected; cancelled (the solution was deleted)`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Requested by ${actorText(v.requestedBy)} ${slackDate(v.requestedAt)} · id \`${escTrunc(v.solutionId, 100)}\` · deleted by ${actorText(v.cancelledBy)} ${slackDate(v.cancelledAt)}`,
          },
        ],
      },
    ],
  };
}

/** Renders an actor ('slack:U…', 'admin-api', 'enrollment-api') for people. */
export function actorText(actor: string): string {
  if (actor.startsWith('slack:')) return mentionUser(actor.slice('slack:'.length));
  if (actor === 'admin-api') return 'the admin API';
  if (actor === 'enrollment-api') return 'self-enrollment (API)';
  return escTrunc(actor, 100);
}

export function approvalRequestMessage(v: ApprovalView): SlackMessage {
  const s = v.solution;
  const title = `*${escTrunc(oneLine(s.name), 150)}* (${escTrunc(oneLine(s.vendor), 80)}, ${s.family})`;
  const lines = [`:inbox_tray: ${title} asks to be connected to secsol.`];
  // Within a section's 3,000 characters at every field's longest: name 150 + vendor 80 + description 600 +
  // console URL 2,000 (its label is cut to 100) + the words around them.
  if (s.description) lines.push(escTrunc(s.description, 600));
  if (s.consoleUrl) lines.push(`Console: ${link(s.consoleUrl, s.consoleUrl)}`);
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Requested by ${actorText(v.requestedBy)} ${slackDate(v.requestedAt)} · id \`${codeTrunc(s.id, 100)}\``,
      },
    ],
  });
  if (v.decision) {
    const verb = v.decision.status === 'approved' ? ':white_check_mark: Approved' : ':no_entry: Denied';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${verb} by ${actorText(v.decision.by)} ${slackDate(v.decision.at)}` },
    });
  } else {
    const value = JSON.stringify({ e: v.enrollmentId, s: s.id, v: s.version });
    blocks.push({
      type: 'actions',
      block_id: 'approval_actions',
      elements: [
        {
          type: 'button',
          action_id: 'enrollment_approve',
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value,
        },
        {
          type: 'button',
          action_id: 'enrollment_deny',
          style: 'danger',
          text: { type: 'plain_text', text: 'Deny' },
          value,
          confirm: {
            title: { type: 'plain_text', text: 'Deny this connection?' },
            text: {
              type: 'plain_text',
              text: 'The solution stays disconnected and its enrollment is refused.',
            },
            confirm: { type: 'plain_text', text: 'Deny' },
            deny: { type: 'plain_text', text: 'Cancel' },
            style: 'danger',
          },
        },
      ],
    });
  }
  const plainName = escTrunc(oneLine(s.name), 150);
  const text = v.decision
    ? `Connection of ${plainName} ${v.decision.status}`
    : `${plainName} asks to be connected to secsol`;
  return { text, blocks };
}
