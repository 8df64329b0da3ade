/**
 * The commands that work on what local mode's Slack keeps: `messages` (a channel's recent messages),
 * `click <m>.<b>` (a button of a channel message), `submit` and `modal` (the modal open for you) and
 * `home` (App Home, opened as Slack opens it).
 */

import { blocksToText, type TextStyle } from '../slack/render-text.js';
import { interactivityBody } from '../slack/request-signing.js';
import { renderAnswer } from './answer-text.js';
import { asMessage, channelMessageText, indent, modalText } from './channel-text.js';
import { choiceLine, choicesOf, listChoices } from './choices.js';
import { CliError, type Settings } from './cli-settings.js';
import { exchange, post } from './exchange.js';
import { saveLastReply } from './last-reply.js';
import { clickPayload, homeOpenedEvent, submitPayload } from './local-requests.js';
import type { LocalSlack } from './local-slack-client.js';

type Write = (s: string) => void;
/** App Home is published after the event is acknowledged: how long to wait for it. */
const HOME_WAIT_MS = 5000;

export async function listMessages(
  local: LocalSlack,
  channel: string,
  limit: number,
  style: TextStyle,
  write: Write,
): Promise<void> {
  const messages = await local.messages(channel, limit);
  if (messages.length === 0) {
    write(
      `#${channel} has no messages yet. What secsol posts there (approval requests, alerts) shows here.\n`,
    );
    return;
  }
  write(`The last ${messages.length} message(s) in #${channel}, oldest first:\n`);
  for (const m of messages) write(`\n${channelMessageText(m, style)}\n`);
}

export async function clickMessage(
  local: LocalSlack,
  settings: Settings,
  target: { message: number; button: number; channel?: string },
  style: TextStyle,
  write: Write,
): Promise<void> {
  const channel = target.channel ?? settings.channel;
  const recent = await local.messages(channel, 200);
  const m = recent.find((x) => x.n === target.message);
  if (!m || m.deleted) {
    throw new CliError(
      `#${channel} has no message ${target.message}${m ? ' any more (it was deleted)' : ''}: npm run slack -- messages lists them`,
    );
  }
  const message = asMessage(m);
  const choices = choicesOf([message]);
  const choice = choices[target.button - 1];
  if (!choice) {
    throw new CliError(
      `message ${m.n} has no button ${target.button}: it has ${choices.length}.\n${listChoices(choices).join('\n')}`,
    );
  }
  write(
    `click ${m.n}.${target.button} ${choiceLine(choice, target.button)
      .trim()
      .replace(/^\d+\s+/, '')}  → as ${settings.userId} in #${channel}\n`,
  );
  if (choice.confirm) write(`(Slack asks first: "${choice.confirm}" — confirmed)\n`);
  const reply = { savedAt: '', userId: settings.userId, channel, messages: [message], choices };
  const ex = await exchange(
    settings,
    local,
    { channel, original: { channel, ts: m.ts } },
    (url, trigger) => ({
      body: interactivityBody(clickPayload(reply, choice, url, trigger)),
    }),
  );
  const answer = renderAnswer(ex, { userId: settings.userId, channel, clicked: true, style });
  if (answer.reply) saveLastReply(answer.reply);
  write(answer.text);
}

export async function showModal(local: LocalSlack, settings: Settings, style: TextStyle, write: Write) {
  const open = await local.modal(settings.userId);
  if (!open)
    throw new CliError(`no modal is open for ${settings.userId}: a button such as Configure opens one`);
  write(`${modalText(open, style)}\n`);
}

export async function submitModal(
  local: LocalSlack,
  settings: Settings,
  fields: Record<string, string>,
  style: TextStyle,
  write: Write,
): Promise<void> {
  const open = await local.modal(settings.userId);
  if (!open)
    throw new CliError(`no modal is open for ${settings.userId}: a button such as Configure opens one`);
  const title = (open.view.title as { text?: string } | undefined)?.text ?? 'modal';
  submitPayload(settings.userId, open, fields); // a field the modal does not have: refused before sending
  write(
    `submit "${title}" as ${settings.userId}${
      Object.keys(fields).length
        ? ` with ${Object.entries(fields)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`
        : ''
    }\n`,
  );
  const ex = await exchange(settings, local, { channel: settings.channel }, (_url, trigger) => ({
    body: interactivityBody(submitPayload(settings.userId, open, fields, trigger)),
  }));
  let ack: { response_action?: string; errors?: Record<string, string>; view?: Record<string, unknown> } = {};
  try {
    ack = ex.ackText.trim() ? (JSON.parse(ex.ackText) as typeof ack) : {};
  } catch {
    ack = {};
  }
  if (ack.response_action === 'errors') {
    write('\nThe modal stays open; secsol refused:\n');
    for (const [field, error] of Object.entries(ack.errors ?? {})) write(`  ${field}: ${error}\n`);
    write('Fix them with --field and submit again.\n');
    return;
  }
  if (ack.response_action === 'update' || ack.response_action === 'push') {
    write(`\n${indent(blocksToText((ack.view?.blocks as unknown[]) ?? [], '', style))}\n`);
  } else {
    // An empty ack (or `clear`) closes the modal in Slack.
    await local.closeModal(settings.userId);
    write('\nThe modal closed: secsol accepted it.\n');
  }
  const rest = renderAnswer(
    { ...ex, ackText: '' },
    { userId: settings.userId, channel: settings.channel, clicked: true, style },
  );
  if (ex.posts.length + ex.posted.length + ex.changed.length + ex.ephemeral.length > 0) write(rest.text);
}

export async function openHome(
  local: LocalSlack,
  settings: Settings,
  style: TextStyle,
  write: Write,
): Promise<void> {
  const before = await local.home(settings.userId);
  await post(settings, {
    body: JSON.stringify(homeOpenedEvent(settings.userId)),
    contentType: 'application/json',
  });
  const deadline = Date.now() + HOME_WAIT_MS;
  let home = await local.home(settings.userId);
  while ((!home || home.hash === before?.hash) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    home = await local.home(settings.userId);
  }
  if (!home || home.hash === before?.hash) throw new CliError('secsol did not publish App Home within 5 s');
  const message = {
    ts: home.hash,
    text: '',
    blocks: (home.view.blocks ?? []) as Record<string, unknown>[],
    ephemeral: true,
  };
  const choices = choicesOf([message]);
  write(
    `── App Home of @${settings.userId} ──\n${indent(blocksToText(message.blocks, '', style))}\n\n${listChoices(choices).join('\n')}\n`,
  );
  saveLastReply({
    savedAt: new Date().toISOString(),
    userId: settings.userId,
    channel: settings.channel,
    messages: [message],
    choices,
  });
}
