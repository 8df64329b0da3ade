/**
 * Alert messages (pure builders): the incident message, its updates and thread replies, digests and
 * security event batches. Every user-controlled string is escaped; limits are respected at any size.
 */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import type { IncidentDisplay } from '../../domain/incident.js';
import {
  type HealthState,
  type SecurityEvent,
  type Solution,
  STATE_LABEL,
  STATE_ORDER,
} from '../../domain/model.js';
import { codeTrunc, escTrunc, mentionOwner, mentionUser, oneLine, slackDate } from '../mrkdwn.js';
import { SEVERITY_EMOJI, STATE_EMOJI, stateBadge } from './state-style.js';

export const DELIVERY_EVENT_TYPE = 'secsol_delivery';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
  metadata?: { event_type: string; event_payload: Record<string, string> };
}

/** Message metadata naming the delivery item: how a retried send finds a message it already posted. */
export function deliveryMetadata(itemId: string, solutionId?: string): SlackMessage['metadata'] {
  return {
    event_type: DELIVERY_EVENT_TYPE,
    event_payload: solutionId ? { delivery_id: itemId, solution_id: solutionId } : { delivery_id: itemId },
  };
}

/** What the incident message shows (domain/incident.ts decides it), and whose incident it is. */
export interface IncidentView extends IncidentDisplay {
  solution: Pick<Solution, 'id' | 'name' | 'vendor' | 'version' | 'owner'>;
  flipId: string;
}

function name(s: { name: string }): string {
  return escTrunc(oneLine(s.name), 150);
}

function ownerSuffix(owner: string | undefined): string {
  const mention = mentionOwner(owner);
  return mention ? ` (owner ${mention})` : '';
}

/** The incident message, as first posted and as edited on acknowledge, snooze, escalation and recovery. */
export function incidentMessage(v: IncidentView): SlackMessage {
  const who = `*${name(v.solution)}* (${escTrunc(oneLine(v.solution.vendor), 80)})`;
  const blocks: KnownBlock[] = [];
  if (v.resolved) {
    const lasted = formatDuration(v.resolved.at - v.since);
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:white_check_mark: ${who} *recovered*: now ${stateBadge(v.resolved.state)} after ${lasted} ${STATE_LABEL[v.state].toLowerCase()}.\n~${escTrunc(v.reason, 1000)}~`,
      },
    });
  } else {
    // The owner is mentioned (notified) from its stored id only: docs/contract.md §10.2.
    const owner = mentionOwner(v.solution.owner);
    const ownerLine = owner ? `\nOwner: ${owner}` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${stateBadge(v.state)}: ${who}\n${escTrunc(v.reason, 1500)}${ownerLine}`,
      },
    });
    if (v.lastMessage) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `> ${escTrunc(oneLine(v.lastMessage), 1000)}` },
      });
    }
  }
  const context: string[] = [`Since ${slackDate(v.since)}`];
  if (v.acknowledgedBy) context.push(`Acknowledged by ${mentionUser(v.acknowledgedBy)}`);
  if (v.snoozedUntil !== undefined && !v.resolved) {
    context.push(
      v.snoozedUntil === Number.POSITIVE_INFINITY
        ? 'Snoozed until it recovers'
        : `Snoozed until ${slackDate(v.snoozedUntil)}`,
    );
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  const ref = JSON.stringify({ s: v.solution.id, f: v.flipId, v: v.solution.version });
  const actions: KnownBlock = {
    type: 'actions',
    block_id: 'incident_actions',
    elements: [],
  };
  if (!v.resolved) {
    if (!v.acknowledgedBy) {
      actions.elements.push({
        type: 'button',
        action_id: 'incident_ack',
        text: { type: 'plain_text', text: 'Acknowledge' },
        style: 'primary',
        value: ref,
      });
    }
    actions.elements.push({
      type: 'overflow',
      action_id: 'incident_snooze',
      options: [
        ['1h', 'Snooze 1 hour'],
        ['4h', 'Snooze 4 hours'],
        ['24h', 'Snooze 24 hours'],
        ['recovered', 'Snooze until recovered'],
      ].map(([d, label]) => ({
        text: { type: 'plain_text' as const, text: label as string },
        value: JSON.stringify({ s: v.solution.id, d }),
      })),
    });
  }
  actions.elements.push({
    type: 'button',
    action_id: 'solution_view',
    text: { type: 'plain_text', text: 'View' },
    value: JSON.stringify({ s: v.solution.id }),
  });
  blocks.push(actions);
  const plain = oneLine(v.solution.name);
  const text = v.resolved
    ? `Recovered: ${escTrunc(plain, 150)} is ${STATE_LABEL[v.resolved.state]} again`
    : `${STATE_LABEL[v.state]}: ${escTrunc(plain, 150)}: ${escTrunc(v.reason, 300)}${ownerSuffix(v.solution.owner)}`;
  return { text, blocks };
}

/** The thread reply on recovery or escalation. */
export function incidentReply(
  solution: { name: string },
  from: HealthState,
  to: HealthState,
  reason: string,
  sinceMs: number,
  at: number,
): SlackMessage {
  const lasted = formatDuration(at - sinceMs);
  const text =
    to === 'unhealthy' || to === 'stopped_reporting'
      ? `${STATE_EMOJI[to]} *${name(solution)}* is now *${STATE_LABEL[to]}* (was ${STATE_LABEL[from]}): ${escTrunc(reason, 1000)}`
      : `:white_check_mark: *${name(solution)}* recovered: now *${STATE_LABEL[to]}* after ${lasted} ${STATE_LABEL[from].toLowerCase()}. ${escTrunc(reason, 1000)}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export interface DigestEntry {
  solutionId: string;
  name: string;
  to: HealthState;
  reason: string;
}

/** One message for many flips in one channel (an outage that silences hundreds of sources). */
export function digestMessage(entries: DigestEntry[], since: number): SlackMessage {
  const latest = new Map<string, DigestEntry>();
  for (const e of entries) latest.set(e.solutionId, e);
  const current = [...latest.values()].sort(
    (a, b) => STATE_ORDER[a.to] - STATE_ORDER[b.to] || a.name.localeCompare(b.name),
  );
  const counts = new Map<HealthState, number>();
  for (const e of current) counts.set(e.to, (counts.get(e.to) ?? 0) + 1);
  const bad = (counts.get('unhealthy') ?? 0) + (counts.get('stopped_reporting') ?? 0);
  const summary = (['unhealthy', 'stopped_reporting', 'not_reported', 'healthy'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${STATE_EMOJI[s]} ${STATE_LABEL[s]}: *${counts.get(s)}*`)
    .join('   ');
  const lines = current
    .slice(0, 20)
    .map((e) => `${STATE_EMOJI[e.to]} *${name(e)}*: ${escTrunc(oneLine(e.reason), 120)}`);
  const listed = fitLines(lines, 2900);
  const more = current.length - listed.count;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${current.length} security solutions changed state` },
    },
    { type: 'section', text: { type: 'mrkdwn', text: summary || 'No changes' } },
    { type: 'section', text: { type: 'mrkdwn', text: listed.text } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${more > 0 ? `…and ${more} more. ` : ''}Grouped into one message since ${slackDate(since)} to stay readable. \`/secsol status\` shows them all.`,
        },
      ],
    },
  ];
  return { text: `${current.length} security solutions changed state, ${bad} need attention`, blocks };
}

/** Joins already-escaped lines while they fit in `max` characters; says how many fitted. */
function fitLines(lines: string[], max: number): { text: string; count: number } {
  let text = '';
  let count = 0;
  for (const line of lines) {
    const next = text ? `${text}\n${line}` : line;
    if (next.length > max) break;
    text = next;
    count++;
  }
  return { text: text || ' ', count };
}

/** An event a batch names that is no longer stored: the solution's byte budget made room for newer ones. */
export interface DroppedEvent {
  id: string;
  dropped: true;
}

/**
 * A burst of security events from one solution, as one message. Events no longer stored are listed by id
 * as dropped, so the message still says how many arrived.
 */
export function eventBatchMessage(
  solution: { name: string; id: string },
  events: (SecurityEvent | DroppedEvent)[],
  /** How many events the batch stands for, when it names fewer than that (a long burst). */
  total = events.length,
): SlackMessage {
  const shown = events.slice(0, 10);
  const count = Math.max(total, events.length);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:shield: *${count} security event${count === 1 ? '' : 's'}* from *${name(solution)}*`,
      },
    },
  ];
  for (const e of shown) {
    if ('dropped' in e) {
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `id \`${codeTrunc(e.id, 100)}\` (dropped: over budget)` }],
      });
      continue;
    }
    const resource = e.resource ? `\nResource: \`${codeTrunc(oneLine(e.resource), 300)}\`` : '';
    const description = e.description ? `\n${escTrunc(e.description, 1200)}` : '';
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${SEVERITY_EMOJI[e.severity] ?? ''} *${e.severity.toUpperCase()}* ${escTrunc(oneLine(e.title), 300)}${resource}${description}`,
      },
    });
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `Observed ${slackDate(e.observedAt)} · id \`${codeTrunc(e.id, 100)}\`` },
      ],
    });
  }
  const dropped = events.filter((e) => 'dropped' in e).length;
  const notes = [
    count > shown.length ? `…and ${count - shown.length} more events.` : '',
    dropped > 0 ? `${dropped} of them no longer stored (dropped: over budget).` : '',
  ].filter(Boolean);
  if (notes.length > 0) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join(' ') }] });
  }
  const first = events.find((e): e is SecurityEvent => !('dropped' in e));
  const text = first
    ? `${count} security event(s) from ${escTrunc(oneLine(solution.name), 150)}: ${first.severity} ${escTrunc(oneLine(first.title), 200)}`
    : `${count} security event(s) from ${escTrunc(oneLine(solution.name), 150)}, no longer stored`;
  return { text, blocks };
}

/** A reminder in an open incident's thread: still bad, and nobody has acknowledged it. */
export function reminderMessage(
  solution: { name: string },
  state: HealthState,
  since: number,
  at: number,
): SlackMessage {
  const text = `:alarm_clock: Reminder: *${name(solution)}* is still *${STATE_LABEL[state]}* (for ${formatDuration(at - since)}) and nobody has acknowledged it.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
