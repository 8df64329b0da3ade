/**
 * Interaction payloads as Slack sends them (shapes from slack-reference/sample-payloads/app-backend:
 * BlockActionPayload.json and ViewSubmissionPayload.json), signed and posted to the app's real
 * `/slack/events` endpoint. Also small seeding helpers shared by the Slack listener tests.
 */
import type { Solution } from '../../../src/domain/model.js';
import type { StorageContext } from '../../../src/storage/context.js';
import { SolutionRepository } from '../../../src/storage/solution-repository.js';
import { SIGNING_SECRET, type TestApp } from '../../harness/app.js';
import { FAKE_IDS } from '../../harness/fake-slack.js';
import {
  interactivityBody,
  newTriggerId,
  type SendSignedResult,
  sendSigned,
} from '../../harness/slack-signer.js';

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

let actionSeq = 0;

function actionTs(): string {
  actionSeq += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(actionSeq).padStart(6, '0')}`;
}

export function blockActionPayload(o: ClickOptions): Record<string, unknown> {
  const user = o.user ?? 'U0USER';
  const channel = o.channel ?? 'C0CHAN';
  const messageTs = o.messageTs ?? '1700000000.000100';
  const teamId = o.teamId ?? FAKE_IDS.teamId;
  const action: Record<string, unknown> = {
    action_id: o.actionId,
    block_id: o.blockId ?? 'blk',
    type: o.selected !== undefined ? 'overflow' : 'button',
    action_ts: actionTs(),
  };
  if (o.selected !== undefined) {
    action.selected_option = {
      text: { type: 'plain_text', text: o.selected, emoji: true },
      value: o.selected,
    };
  } else {
    action.text = { type: 'plain_text', text: 'Button', emoji: true };
    if (o.value !== undefined) action.value = o.value;
  }
  return {
    type: 'block_actions',
    team: { id: teamId, domain: FAKE_IDS.team },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: teamId },
    api_app_id: FAKE_IDS.appId,
    token: 'verification-token-test',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channel,
      is_ephemeral: o.ephemeral ?? false,
    },
    trigger_id: newTriggerId(),
    channel: { id: channel, name: 'secops' },
    message: {
      type: 'message',
      user: FAKE_IDS.botUserId,
      bot_id: FAKE_IDS.botId,
      ts: messageTs,
      text: 'message',
      blocks: o.messageBlocks ?? [],
    },
    response_url: o.responseUrl ?? 'http://127.0.0.1:9/response/unset',
    actions: [action],
    is_enterprise_install: false,
  };
}

export interface SubmitOptions {
  callbackId: string;
  privateMetadata: string;
  /** block_id → the element state (`{type, value}`, `{type, selected_conversation}`, …). */
  values: Record<string, Record<string, unknown>>;
  user?: string;
}

export function viewSubmissionPayload(o: SubmitOptions): Record<string, unknown> {
  const user = o.user ?? 'U0USER';
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, state] of Object.entries(o.values)) values[blockId] = { [blockId]: state };
  return {
    type: 'view_submission',
    team: { id: FAKE_IDS.teamId, domain: FAKE_IDS.team },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FAKE_IDS.teamId },
    api_app_id: FAKE_IDS.appId,
    token: 'verification-token-test',
    trigger_id: newTriggerId(),
    view: {
      id: 'V0MODAL0001',
      team_id: FAKE_IDS.teamId,
      type: 'modal',
      title: { type: 'plain_text', text: 'Modal', emoji: true },
      submit: { type: 'plain_text', text: 'Save', emoji: true },
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      blocks: [],
      private_metadata: o.privateMetadata,
      callback_id: o.callbackId,
      external_id: '',
      state: { values },
      hash: '1700000000.abcdef',
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: 'V0MODAL0001',
      previous_view_id: null,
      app_id: FAKE_IDS.appId,
      app_installed_team_id: FAKE_IDS.teamId,
      bot_id: FAKE_IDS.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
  };
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
    token: 'verification-token-test',
    team_id: FAKE_IDS.teamId,
    api_app_id: FAKE_IDS.appId,
    event: { event_ts: actionTs(), ...event },
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

/** A solution written straight into storage (fast seeding; the services are exercised elsewhere). */
export async function seedSolution(
  ctx: StorageContext,
  fields: Partial<Solution> & { name: string },
  now = Date.now(),
): Promise<Solution> {
  const solution: Solution = {
    id:
      fields.id ??
      fields.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
    vendor: 'Vendor',
    family: 'other',
    source: 'push',
    linkedResources: [],
    lifecycle: 'connected',
    createdAt: now,
    connectedAt: now,
    version: 1,
    ...fields,
  };
  const created = await new SolutionRepository(ctx).create(
    solution,
    now,
    solution.lifecycle === 'connected' ? now + 86_400_000 : null,
  );
  if (!created) throw new Error(`solution ${solution.id} already exists`);
  return solution;
}
