/**
 * The requests `npm run slack` sends, as Slack would send them from the local workspace: `/secsol …` typed
 * in the local channel, a click on a numbered button (of the last answer or of a channel message), a modal
 * submitted, and App Home opened.
 */

import {
  blockActionsPayload,
  clickedAction,
  newTriggerId,
  slashCommandBody,
  viewSubmissionPayload,
} from '../slack/request-signing.js';
import type { Choice } from './choices.js';
import { CliError, LOCAL_CHANNEL, LOCAL_WORKSPACE } from './cli-settings.js';
import type { LastReply } from './last-reply.js';

export function commandBody(
  text: string,
  userId: string,
  responseUrl: string,
  triggerId = newTriggerId(),
): string {
  const w = LOCAL_WORKSPACE;
  return slashCommandBody({
    token: w.token,
    team_id: w.teamId,
    team_domain: w.teamDomain,
    channel_id: LOCAL_CHANNEL,
    channel_name: 'local',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/secsol',
    text,
    api_app_id: w.apiAppId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId,
  });
}

export function clickPayload(
  reply: LastReply,
  choice: Choice,
  responseUrl: string,
  triggerId?: string,
): Record<string, unknown> {
  const message = reply.messages[choice.message];
  const { actionId, blockId } = choice;
  const action =
    choice.kind === 'button'
      ? clickedAction({ actionId, blockId, label: choice.label, value: choice.value, url: choice.url })
      : clickedAction({
          kind: choice.kind,
          actionId,
          blockId,
          // choicesOf gives every menu choice its option.
          option: choice.option ?? { text: choice.label, value: '' },
        });
  return blockActionsPayload({
    workspace: LOCAL_WORKSPACE,
    userId: reply.userId,
    channel: { id: reply.channel, name: 'local' },
    // The clicked message, as for a channel message; handlers read its blocks to know what was clicked.
    message: {
      ts: message?.ts,
      text: message?.text ?? '',
      blocks: message?.blocks ?? [],
      ephemeral: message?.ephemeral ?? true,
    },
    action,
    responseUrl,
    ...(triggerId ? { triggerId } : {}),
  });
}

type Block = Record<string, unknown>;
type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/** One input's state as Slack sends it, from the element and the text the user typed (or its initial value). */
function inputState(el: Block, typed: string | undefined): Record<string, unknown> {
  const type = String(el.type ?? 'plain_text_input');
  if (type === 'static_select') {
    const options = (Array.isArray(el.options) ? el.options : []) as Block[];
    const initial = el.initial_option as Block | undefined;
    const picked =
      typed === undefined
        ? initial
        : options.find((o) => o.value === typed || (o.text as Block | undefined)?.text === typed);
    if (typed !== undefined && !picked) throw new CliError(`"${typed}" is not one of the options`);
    return { type, selected_option: picked ?? null };
  }
  if (type === 'users_select') return { type, selected_user: typed ?? el.initial_user ?? null };
  if (type === 'conversations_select')
    return { type, selected_conversation: typed ?? el.initial_conversation ?? null };
  if (type === 'channels_select') return { type, selected_channel: typed ?? el.initial_channel ?? null };
  const value = typed ?? (typeof el.initial_value === 'string' ? el.initial_value : '');
  return { type, value: value === '' ? null : value };
}

/** A field named by its block_id (`cfg_every`), the end of it (`every`) or its label (`Expected every`). */
function fieldId(inputs: Block[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  const label = (b: Block) => String((b.label as Block | undefined)?.text ?? '').toLowerCase();
  const match =
    inputs.find((b) => b.block_id === name) ??
    inputs.find((b) => String(b.block_id).toLowerCase().endsWith(`_${wanted}`)) ??
    inputs.find((b) => label(b) === wanted || label(b).replace(/ \(optional\)$/, '') === wanted);
  return match ? String(match.block_id) : undefined;
}

/** `state.values` of a modal's input blocks: initial values, unless `fields` (block_id → text) says otherwise. */
export function modalState(view: Block, fields: Record<string, string>): StateValues {
  const blocks = (Array.isArray(view.blocks) ? view.blocks : []) as Block[];
  const inputs = blocks.filter((b) => b.type === 'input' && typeof b.block_id === 'string');
  const ids = inputs.map((b) => b.block_id as string);
  const typed = new Map<string, string>();
  for (const [name, value] of Object.entries(fields)) {
    const id = fieldId(inputs, name);
    if (!id)
      throw new CliError(`the modal has no field "${name}"; its fields: ${ids.join(', ') || '(none)'}`);
    typed.set(id, value);
  }
  const values: StateValues = {};
  for (const b of inputs) {
    const el = (b.element ?? {}) as Block;
    const actionId = typeof el.action_id === 'string' ? el.action_id : 'input';
    values[b.block_id as string] = { [actionId]: inputState(el, typed.get(b.block_id as string)) };
  }
  return values;
}

export function submitPayload(
  userId: string,
  open: { id: string; hash: string; view: Block },
  fields: Record<string, string>,
  triggerId?: string,
): Record<string, unknown> {
  const view = open.view;
  return viewSubmissionPayload({
    workspace: LOCAL_WORKSPACE,
    userId,
    view: {
      id: open.id,
      callbackId: typeof view.callback_id === 'string' ? view.callback_id : '',
      privateMetadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
      hash: open.hash,
      botId: 'B0LOCAL',
    },
    values: modalState(view, fields),
    ...(triggerId ? { triggerId } : {}),
  });
}

/** The Events API envelope Slack sends when a user opens the app's Home tab (JSON, signed like the rest). */
export function homeOpenedEvent(userId: string): Record<string, unknown> {
  const w = LOCAL_WORKSPACE;
  const now = Date.now();
  return {
    token: w.token,
    team_id: w.teamId,
    api_app_id: w.apiAppId,
    event: {
      type: 'app_home_opened',
      user: userId,
      channel: 'D0LOCALHOME',
      tab: 'home',
      event_ts: `${Math.floor(now / 1000)}.${String(now % 1000).padStart(6, '0')}`,
    },
    type: 'event_callback',
    event_id: `Ev0LOCAL${now.toString(36).toUpperCase()}`,
    event_time: Math.floor(now / 1000),
    authorizations: [
      { team_id: w.teamId, user_id: 'U0LOCALBOT', is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  };
}
