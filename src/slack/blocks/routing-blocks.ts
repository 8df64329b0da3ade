/**
 * Messages of routing (pure builders): an escalation of an incident nobody acknowledged, the one alert a
 * solution gets when a maintenance window ends and it is still bad, and maintenance announcements.
 * Mentions are built from validated ids only; every user-controlled string is escaped.
 */
import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../domain/duration.js';
import { type HealthState, type Solution, STATE_LABEL } from '../../domain/model.js';
import { codeTrunc, escTrunc, mentionOwner, mentionUser, oneLine, slackDate } from '../mrkdwn.js';
import type { SlackMessage } from './alert-blocks.js';
import { stateBadge } from './state-style.js';

const name = (s: { name: string }) => escTrunc(oneLine(s.name), 150);
const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** A link to a message, built from ids Slack gave us (the archive permalink form). */
export function messageLink(channel: string, ts: string): string | null {
  if (!/^[CGD][A-Z0-9]{2,}$/.test(channel) || !/^\d+\.\d+$/.test(ts)) return null;
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

export function escalationMessage(v: {
  solution: Pick<Solution, 'name' | 'owner'>;
  state: HealthState;
  since: number;
  afterMs: number;
  usergroup?: string;
  incidentLink: string | null;
}): SlackMessage {
  const group = v.usergroup ? mentionOwner(v.usergroup) : null;
  const owner = mentionOwner(v.solution.owner);
  const who = [group, owner ? `owner ${owner}` : null].filter(Boolean).join(' · ');
  const link = v.incidentLink ? ` <${v.incidentLink}|Open the incident>.` : '';
  const text =
    `:rotating_light: Escalated: *${name(v.solution)}* is ${STATE_LABEL[v.state]} since ${slackDate(v.since)} ` +
    `and nobody acknowledged it within ${formatDuration(v.afterMs)}.${link}${who ? `\n${who}` : ''}`;
  return {
    text: `Escalated: ${escTrunc(oneLine(v.solution.name), 150)} is ${STATE_LABEL[v.state]}`,
    blocks: [section(text)],
  };
}

export function maintenanceReleaseMessage(v: {
  solution: Pick<Solution, 'name' | 'vendor' | 'owner'>;
  state: HealthState;
  reason: string;
  windowReason: string;
}): SlackMessage {
  const owner = mentionOwner(v.solution.owner);
  const why = v.windowReason ? ` (maintenance: ${escTrunc(oneLine(v.windowReason), 200)})` : '';
  const text =
    `${stateBadge(v.state)}: *${name(v.solution)}* (${escTrunc(oneLine(v.solution.vendor), 80)}) is still ` +
    `${STATE_LABEL[v.state].toLowerCase()} after maintenance${why}.\n${escTrunc(v.reason, 1500)}` +
    (owner ? `\nOwner: ${owner}` : '');
  return {
    text: `Still ${STATE_LABEL[v.state]} after maintenance: ${escTrunc(oneLine(v.solution.name), 150)}`,
    blocks: [section(text)],
  };
}

/** A maintenance window as people read it: which solutions, until when, by whom, why. */
export function maintenanceLine(w: {
  id: string;
  solutions: string[] | 'all';
  start: number;
  end: number;
  cron?: string;
  timezone?: string;
  durationMs?: number;
  createdBy: string;
  reason: string;
}): string {
  const what =
    w.solutions === 'all'
      ? 'all solutions'
      : w.solutions
          .slice(0, 10)
          .map((s) => `\`${codeTrunc(s, 64)}\``)
          .join(', ') + (w.solutions.length > 10 ? ` and ${w.solutions.length - 10} more` : '');
  const by = w.createdBy.startsWith('slack:') ? mentionUser(w.createdBy.slice(6)) : escTrunc(w.createdBy, 40);
  const when = w.cron
    ? `every \`${codeTrunc(w.cron, 60)}\` (${escTrunc(w.timezone ?? 'UTC', 60)}) for ${formatDuration(w.durationMs ?? 0)}, next ${slackDate(w.start)} – ${slackDate(w.end)}`
    : `${slackDate(w.start)} – ${slackDate(w.end)}`;
  const reason = w.reason ? `: ${escTrunc(oneLine(w.reason), 300)}` : '';
  return `:construction: \`${codeTrunc(w.id, 40)}\` ${what}, ${when}, by ${by}${reason}`;
}
