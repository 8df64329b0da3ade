/**
 * What came back from secsol, as text for the terminal: each answer's blocks rendered as text, where it
 * would show in Slack, and its buttons numbered for `npm run slack -- click <n>`; channel messages posted
 * or changed with their own numbers (`click 7.2`), and a modal opened (`submit`).
 */

import { blocksToText, type TextStyle } from '../slack/render-text.js';
import { newSlackTs } from '../slack/request-signing.js';
import { asMessage, channelMessageText, indent, modalText } from './channel-text.js';
import { type Block, choicesOf, listChoices, type Message } from './choices.js';
import type { Exchange } from './exchange.js';
import type { LastReply } from './last-reply.js';

function messageFrom(raw: Record<string, unknown>): Message {
  return {
    ts: newSlackTs(),
    text: typeof raw.text === 'string' ? raw.text : '',
    blocks: Array.isArray(raw.blocks) ? (raw.blocks as Block[]) : [],
    ephemeral: raw.response_type !== 'in_channel',
  };
}

function ackMessage(ack: string): Message {
  let parsed: Record<string, unknown> | null = null;
  try {
    const value: unknown = JSON.parse(ack);
    parsed = value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    parsed = null;
  }
  return messageFrom(parsed ?? { text: ack });
}

export interface RenderedAnswer {
  text: string;
  /** What `click` works on next; absent when the buttons of the last answer still hold. */
  reply?: LastReply;
}

/**
 * The exchange as text, with its buttons numbered. The answer replaces the last one for `click`, except
 * when a click only added a notice without buttons: then the clicked message is still there and its
 * buttons still work.
 */
export function renderAnswer(
  ex: Exchange,
  who: { userId: string; channel: string; clicked: boolean; style: TextStyle },
): RenderedAnswer {
  const out: string[] = [];
  const messages: Message[] = [];
  let changedClicked = false;
  const show = (title: string, message: Message) => {
    messages.push(message);
    out.push(`\n── ${title} ──`, indent(blocksToText(message.blocks, message.text, who.style) || '(empty)'));
  };
  const where = (m: Message) => (m.ephemeral ? 'only you can see this' : `posted in #${who.channel}`);
  const ack = ex.ackText.trim();
  if (ack) {
    const message = ackMessage(ack);
    show(`answer (${where(message)})`, message);
  }
  for (const { body } of ex.posts) {
    if (body.delete_original === true) {
      changedClicked = true;
      out.push('\n── the clicked message was deleted ──');
      continue;
    }
    const message = messageFrom(body);
    const replaces = body.replace_original === true;
    changedClicked ||= replaces;
    show(
      `answer via response_url (${where(message)}${replaces ? ', replaces the clicked message' : ''})`,
      message,
    );
  }
  for (const m of ex.ephemeral) show(`only you can see this (in #${m.channel})`, asMessage(m, true));
  for (const m of ex.changed) out.push('', channelMessageText(m, who.style, 'changed just now'));
  for (const m of ex.posted) out.push('', channelMessageText(m, who.style, 'new'));
  changedClicked ||= ex.changed.length > 0;
  if (ex.modal) out.push('', modalText(ex.modal, who.style));
  const elsewhere = ex.changed.length + ex.posted.length > 0 || ex.modal !== null;
  if (messages.length === 0) {
    if (!elsewhere) {
      out.push(
        '\n(no answer: secsol may still be working on it; npm run slack -- messages shows the channel, and',
        "secsol's own terminal prints every Slack call as [slack] lines)",
      );
    }
    return { text: `${out.join('\n')}\n` };
  }
  const choices = choicesOf(messages);
  if (who.clicked && !changedClicked && choices.length === 0) {
    out.push('', 'The buttons of the message you clicked still work (npm run slack -- click lists them).');
    return { text: `${out.join('\n')}\n` };
  }
  out.push('', ...listChoices(choices));
  const reply: LastReply = {
    savedAt: new Date().toISOString(),
    userId: who.userId,
    channel: who.channel,
    messages,
    choices,
  };
  return { text: `${out.join('\n')}\n`, reply };
}
