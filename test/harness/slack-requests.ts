/**
 * What a user does in Slack, sent to the app's real `/slack/events` endpoint as Slack sends it: a click in a
 * message (`block_actions`), a modal saved (`view_submission`), an Events API callback. Payload shapes are
 * Slack's (its sample BlockActionPayload and ViewSubmissionPayload), built by src/slack/request-signing.ts
 * with the test workspace's ids.
 */
import {
  blockActionsPayload,
  clickedAction,
  interactivityBody,
  newSlackTs,
  viewSubmissionPayload as slackViewSubmission,
  type Workspace,
} from '../../src/slack/request-signing.js';
import { SIGNING_SECRET, type TestApp } from './app.js';
import { FAKE_IDS } from './fake-slack.js';
import { type SendSignedResult, sendSigned, UNSET_RESPONSE_URL } from './slack-signer.js';

const TEST_WORKSPACE: Workspace = {
  teamId: FAKE_IDS.teamId,
  teamDomain: FAKE_IDS.team,
  apiAppId: FAKE_IDS.appId,
  token: 'verification-token-test',
};

export interface ClickOptions {
  actionId: string;
  /** A button's value. */
  value?: string;
  /** An overflow / select choice (sent as `selected_option`). */
  selected?: string;
  user?: string;
  channel?: string;
  messageTs?: string;
  /** The clicked message is ephemeral (a slash command's answer). */
  ephemeral?: boolean;
  responseUrl?: string;
  blockId?: string;
  /** Blocks of the clicked message (Slack sends them for channel messages). */
  messageBlocks?: unknown[];
  teamId?: string;
}

/** A click on a bot message in the test workspace, as Slack sends it. */
export function blockActionPayload(o: ClickOptions): Record<string, unknown> {
  const blockId = o.blockId ?? 'blk';
  return blockActionsPayload({
    workspace: { ...TEST_WORKSPACE, teamId: o.teamId ?? TEST_WORKSPACE.teamId },
    userId: o.user ?? 'U0USER',
    channel: { id: o.channel ?? 'C0CHAN', name: 'secops' },
    message: {
      ts: o.messageTs ?? '1700000000.000100',
      text: 'message',
      blocks: o.messageBlocks ?? [],
      ephemeral: o.ephemeral ?? false,
      user: FAKE_IDS.botUserId,
      botId: FAKE_IDS.botId,
    },
    action:
      o.selected !== undefined
        ? clickedAction({
            kind: 'overflow',
            actionId: o.actionId,
            blockId,
            option: { text: o.selected, value: o.selected },
          })
        : clickedAction({ actionId: o.actionId, blockId, label: 'Button', value: o.value }),
    responseUrl: o.responseUrl ?? UNSET_RESPONSE_URL,
  });
}

export interface SubmitOptions {
  callbackId: string;
  privateMetadata: string;
  /** block_id → the element state (`{type, value}`, `{type, selected_conversation}`, …). */
  values: Record<string, Record<string, unknown>>;
  user?: string;
}

/** A modal saved in the test workspace; each input's action_id is its block_id. */
export function viewSubmissionPayload(o: SubmitOptions): Record<string, unknown> {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const [blockId, state] of Object.entries(o.values)) values[blockId] = { [blockId]: state };
  return slackViewSubmission({
    workspace: TEST_WORKSPACE,
    userId: o.user ?? 'U0USER',
    view: {
      id: 'V0MODAL0001',
      callbackId: o.callbackId,
      privateMetadata: o.privateMetadata,
      hash: '1700000000.abcdef',
      botId: FAKE_IDS.botId,
    },
    values,
  });
}

export function click(app: TestApp, o: ClickOptions): Promise<SendSignedResult> {
  return sendSigned(`${app.url}/slack/events`, interactivityBody(blockActionPayload(o)), {
    secret: SIGNING_SECRET,
  });
}

export function submit(app: TestApp, o: SubmitOptions): Promise<SendSignedResult> {
  return sendSigned(`${app.url}/slack/events`, interactivityBody(viewSubmissionPayload(o)), {
    secret: SIGNING_SECRET,
  });
}

let eventSeq = 0;

/** An Events API callback (JSON body), with a fresh event_id. */
export function sendEvent(app: TestApp, event: Record<string, unknown>): Promise<SendSignedResult> {
  eventSeq += 1;
  const body = JSON.stringify({
    token: TEST_WORKSPACE.token,
    team_id: FAKE_IDS.teamId,
    api_app_id: FAKE_IDS.appId,
    event: { event_ts: newSlackTs(), ...event },
    type: 'event_callback',
    event_id: `Ev0TEST${Date.now().toString(36).toUpperCase()}${eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: FAKE_IDS.teamId, user_id: FAKE_IDS.botUserId, is_bot: true }],
  });
  return sendSigned(`${app.url}/slack/events`, body, {
    secret: SIGNING_SECRET,
    contentType: 'application/json',
  });
}
