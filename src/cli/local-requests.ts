/**
 * The requests `npm run slack` sends, as Slack would send them from the local workspace: `/secsol …` typed
 * in the local channel, and a click on one of the numbered buttons of the last answer.
 */
import {
  blockActionsPayload,
  clickedAction,
  newTriggerId,
  slashCommandBody,
} from '../slack/request-signing.js';
import type { Choice } from './choices.js';
import { LOCAL_CHANNEL, LOCAL_WORKSPACE } from './cli-settings.js';
import type { LastReply } from './last-reply.js';

export function commandBody(text: string, userId: string, responseUrl: string): string {
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
    trigger_id: newTriggerId(),
  });
}

export function clickPayload(reply: LastReply, choice: Choice, responseUrl: string): Record<string, unknown> {
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
  });
}
