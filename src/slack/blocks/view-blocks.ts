/**
 * One solution in detail (`/secsol view <solution>` and the View button), as a pure builder: state and
 * why, reporting times, configuration, overlays, recent flips and events, and the management buttons.
 * Every user-controlled string is escaped; the message stays far below Block Kit's limits whatever the
 * record holds (linked resources, flips and events are capped and cut).
 */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import type { Evaluation, HealthPolicy } from '../../domain/health.js';
import { type SecurityEvent, STATE_LABEL } from '../../domain/model.js';
import { type Availability, formatAvailability } from '../../services/availability-service.js';
import type { FlipRecord } from '../../storage/flip-repository.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import { ACTION } from '../action-values.js';
import { codeTrunc, escTrunc, mentionOwner, mentionUser, oneLine, slackDate } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';
import {
  AZURE_CONNECT_CONFIRM,
  SEVERITY_EMOJI,
  STATE_EMOJI,
  sourceBadge,
  stateBadge,
} from './state-style.js';

export interface SolutionViewInput {
  record: SolutionRecord;
  /** The state judged now; null for a solution that is not connected (nothing to judge). */
  evaluation: Evaluation | null;
  /** Newest first. */
  flips: FlipRecord[];
  /** Newest first. */
  events: SecurityEvent[];
  now: number;
  /** The cadence in force, to say "expected every 1h"; optional. */
  policy?: HealthPolicy;
  /** Where alerts go when the solution names no channel of its own. */
  defaultChannel?: string;
  /** The maintenance window holding its alerts now, if any (an overlay: docs/contract.md §10.1). */
  maintenance?: { id: string; end: number; createdBy: string; reason: string } | null;
  /** The 7- and 30-day availability (docs/contract.md §10.3), when known. */
  availability?: Availability | null;
}

export const VIEW_MAX_FLIPS = 5;
export const VIEW_MAX_EVENTS = 5;
export const VIEW_MAX_RESOURCES = 10;

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

/** A channel link built only from a validated id; anything else is shown as escaped text. */
export function channelRef(id: string | undefined): string | null {
  if (!id) return null;
  return CHANNEL_ID.test(id) ? `<#${id}>` : escTrunc(oneLine(id), 80);
}

function isWebUrl(url: string | undefined): url is string {
  return url !== undefined && url.length <= 3000 && /^https?:\/\/[^\s<>|]+$/.test(url);
}

function ago(now: number, at: number): string {
  return now >= at ? `${formatDuration(now - at)} ago` : `in ${formatDuration(at - now)}`;
}

function when(now: number, at: number | null | undefined): string {
  return at === null || at === undefined ? '_never_' : `${slackDate(at)} (${ago(now, at)})`;
}

function ownerText(owner: string | undefined): string {
  if (!owner) return '_none_';
  // A user or user group from its id; an owner stored as free text (older records) is only shown.
  return mentionOwner(owner) ?? escTrunc(oneLine(owner), 200);
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.length > 3000 ? text.slice(0, 2999) : text } };
}

/** The overlays (snooze, acknowledgement) in words, or null when there are none. */
export function overlayText(record: SolutionRecord, now: number): string | null {
  const parts: string[] = [];
  if (record.snoozedUntil !== undefined) {
    const by = record.snoozedBy ? ` by ${mentionUser(record.snoozedBy.replace(/^slack:/, ''))}` : '';
    if (record.snoozedUntil === Number.POSITIVE_INFINITY) parts.push(`:zzz: Snoozed until it recovers${by}`);
    else if (record.snoozedUntil > now)
      parts.push(`:zzz: Snoozed until ${slackDate(record.snoozedUntil)}${by}`);
  }
  if (record.acknowledgedBy) {
    parts.push(
      `:white_check_mark: Acknowledged by ${mentionUser(record.acknowledgedBy.replace(/^slack:/, ''))}`,
    );
  }
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** "In maintenance until …, by …, reason …": alerts are held, the state is still tracked. */
export function maintenanceOverlay(m: {
  id: string;
  end: number;
  createdBy: string;
  reason: string;
}): string {
  const by = m.createdBy.startsWith('slack:') ? mentionUser(m.createdBy.slice(6)) : escTrunc(m.createdBy, 40);
  const reason = m.reason ? `, reason: ${escTrunc(oneLine(m.reason), 300)}` : '';
  return `:construction: In maintenance until ${slackDate(m.end)}, by ${by}${reason} (\`${codeTrunc(m.id, 40)}\`): alerts are held, the state is still tracked.`;
}

export function solutionViewMessage(input: SolutionViewInput): SlackMessage {
  const { record, evaluation, now } = input;
  const s = record.solution;
  const name = escTrunc(oneLine(s.name), 150);
  const vendor = escTrunc(oneLine(s.vendor), 80);
  const blocks: KnownBlock[] = [];

  const badge = s.source === 'azure' ? ` · ${sourceBadge(s.source)}` : '';
  const head = evaluation
    ? `${stateBadge(evaluation.state)}: *${name}* (${vendor}, ${s.family})${badge}\n${escTrunc(evaluation.reason, 1000)}`
    : `:mag: *${name}* (${vendor}, ${s.family})${badge} is *${s.lifecycle}*, not connected: no health is tracked yet.`;
  blocks.push(section(head));
  if (s.description) blocks.push(section(`> ${escTrunc(oneLine(s.description), 1000)}`));
  if (s.source === 'azure') blocks.push(section(azureText(record, now)));
  if (record.lastHealthMessage) {
    blocks.push(section(`Last report said: _${escTrunc(oneLine(record.lastHealthMessage), 1000)}_`));
  }
  const overlay = overlayText(record, now);
  if (overlay) blocks.push(section(overlay));
  if (input.maintenance) blocks.push(section(maintenanceOverlay(input.maintenance)));

  const fields: string[] = [];
  if (s.lifecycle === 'connected') {
    fields.push(`*Last health report*\n${when(now, record.facts.lastHealthAt)}`);
    fields.push(`*Last event*\n${when(now, record.facts.lastEventAt)}`);
    const due = evaluation?.nextDueAt ?? null;
    const dueText =
      due === null
        ? '_after the first report_'
        : due < now
          ? `${slackDate(due)} (overdue by ${formatDuration(now - due)})`
          : when(now, due);
    fields.push(`*Next report due*\n${dueText}`);
    if (input.policy) {
      fields.push(
        `*Cadence*\nevery ${formatDuration(input.policy.every)} + ${formatDuration(input.policy.grace)} grace`,
      );
    }
    if (record.stateSince !== undefined && evaluation && evaluation.state === record.state) {
      fields.push(`*${STATE_LABEL[record.state]} since*\n${slackDate(record.stateSince)}`);
    }
  } else {
    fields.push(`*Discovered*\n${slackDate(s.createdAt)}`);
  }
  if (input.availability) {
    const a = input.availability;
    fields.push(
      `*Availability*\n7 days: ${formatAvailability(a['7d'])} · 30 days: ${formatAvailability(a['30d'])}`,
    );
  }
  fields.push(`*Owner*\n${ownerText(s.owner)}`);
  const channel = channelRef(s.alertChannel);
  const fallback = channelRef(input.defaultChannel);
  fields.push(
    `*Alert channel*\n${channel ?? (fallback ? `${fallback} (default)` : '_the default channel_')}`,
  );
  fields.push(`*Source*\n${s.source === 'azure' ? 'Defender for Cloud' : 'secsol API'}`);
  blocks.push({
    type: 'section',
    fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn' as const, text })),
  });

  const resources = s.linkedResources.slice(0, VIEW_MAX_RESOURCES);
  const resourceLines = resources.map((r) => `• \`${codeTrunc(oneLine(r).replace(/`/g, "'"), 200)}\``);
  const moreResources = s.linkedResources.length - resources.length;
  if (moreResources > 0) resourceLines.push(`…and ${moreResources} more`);
  blocks.push(
    section(
      `*Linked resources* (${s.linkedResources.length})\n${resourceLines.length > 0 ? resourceLines.join('\n') : '_none yet: use Link resources_'}`,
    ),
  );

  const flips = input.flips.slice(0, VIEW_MAX_FLIPS);
  if (flips.length > 0) {
    const lines = flips.map(
      (f) =>
        `${STATE_EMOJI[f.to]} ${slackDate(f.at)}: ${STATE_LABEL[f.from]} → *${STATE_LABEL[f.to]}*: ${escTrunc(oneLine(f.reason), 200)}`,
    );
    blocks.push(section(`*Recent state changes*\n${lines.join('\n')}`));
  }
  const events = input.events.slice(0, VIEW_MAX_EVENTS);
  if (events.length > 0) {
    const lines = events.map(
      (e) =>
        `${SEVERITY_EMOJI[e.severity] ?? ''} ${slackDate(e.observedAt)} *${e.severity}* ${escTrunc(oneLine(e.title), 200)}`,
    );
    blocks.push(section(`*Recent security events*\n${lines.join('\n')}`));
  }

  blocks.push(solutionActions(record));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `id \`${codeTrunc(s.id, 80)}\` · version ${s.version} · \`/secsol history ${codeTrunc(s.id, 80)}\` for more`,
      },
    ],
  });

  const state = evaluation ? `${STATE_LABEL[evaluation.state]}: ` : `${s.lifecycle}: `;
  const text = `${state}${escTrunc(oneLine(s.name), 150)}${evaluation ? ` (${escTrunc(evaluation.reason, 300)})` : ''}`;
  return { text, blocks };
}

/** Where a solution read from Defender for Cloud comes from, and whether Azure still lists it. */
function azureText(record: SolutionRecord, now: number): string {
  const id = record.solution.azureId ?? '(unknown)';
  const lines = [`*Azure resource* \`${codeTrunc(oneLine(id).replace(/`/g, "'"), 1000)}\``];
  const unlisted = record.facts.unlistedAt;
  if (unlisted) {
    lines.push(
      `:ghost: Defender for Cloud no longer lists it (since ${slackDate(unlisted)}, ${ago(now, unlisted)}): secsol keeps it and stops reading it. Delete it if it was removed on purpose.`,
    );
  }
  lines.push('_Read from Defender for Cloud: Connect and Delete here act in secsol only, never in Azure._');
  return lines.join('\n');
}

/** The management buttons: console (only for a real web URL), link, configure, delete (confirmed). */
function solutionActions(record: SolutionRecord): KnownBlock {
  const s = record.solution;
  const ref = JSON.stringify({ s: s.id, v: s.version });
  const elements: Extract<KnownBlock, { type: 'actions' }>['elements'] = [];
  if (isWebUrl(s.consoleUrl)) {
    elements.push({
      type: 'button',
      action_id: ACTION.console,
      text: { type: 'plain_text', text: 'Solution console' },
      url: s.consoleUrl,
    });
  }
  if (s.lifecycle === 'discovered') {
    elements.push({
      type: 'button',
      action_id: ACTION.connect,
      style: 'primary',
      text: { type: 'plain_text', text: 'Connect' },
      value: ref,
      ...(s.source === 'azure' ? { confirm: AZURE_CONNECT_CONFIRM } : {}),
    });
  } else {
    elements.push(
      {
        type: 'button',
        action_id: ACTION.link,
        text: { type: 'plain_text', text: 'Link resources' },
        value: ref,
      },
      {
        type: 'button',
        action_id: ACTION.configure,
        text: { type: 'plain_text', text: 'Configure' },
        value: ref,
      },
    );
  }
  elements.push({
    type: 'button',
    action_id: ACTION.delete,
    style: 'danger',
    text: { type: 'plain_text', text: 'Delete' },
    value: ref,
    confirm: {
      title: { type: 'plain_text', text: 'Delete this solution?' },
      text: {
        type: 'plain_text',
        // No name here: confirm dialogs are plain text, and a name is outside input.
        text:
          s.source === 'azure'
            ? 'It is deleted in secsol only: nothing changes in Defender for Cloud, and secsol will not add it again. Its history in secsol is removed. Only approvers can do this.'
            : 'It will be disconnected: its token stops working and its history is removed. Only approvers can do this.',
      },
      confirm: { type: 'plain_text', text: 'Delete' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  });
  return { type: 'actions', block_id: 'solution_actions', elements };
}
