/**
 * `/secsol` text to a typed command. Pure: no I/O, so every odd input is tested without Slack.
 * A solution is named by its id or its exact name, which may contain spaces (`view Qualys VA`) and may be
 * quoted; for `snooze` the duration is the last word.
 */
import { parseDuration } from '../../../domain/duration.js';
import { type MaintenanceCommand, parseMaintenance } from './parse-maintenance.js';

export const MAX_SNOOZE_MS = 30 * 86_400_000;
export const MIN_SNOOZE_MS = 60_000;
const MAX_TEXT = 500;

export type Command =
  | { kind: 'status' }
  | { kind: 'view'; ref: string }
  | { kind: 'discovered' }
  | { kind: 'sources' }
  | { kind: 'alerts'; ref: string | null }
  | { kind: 'history'; ref: string }
  | { kind: 'snooze'; ref: string; until: { ms: number; text: string } | 'recovered' }
  | { kind: 'unsnooze'; ref: string }
  | { kind: 'help' }
  | Extract<MaintenanceCommand, { kind: 'maintenance' }>
  /** Not understood: `problem` is plain text (escape it before showing). */
  | { kind: 'invalid'; problem: string; usage?: string };

/**
 * Slack sends `&`, `<` and `>` typed by the user as entities; names are stored as typed, so decode these
 * three before matching (the other way round from `esc`).
 */
export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function unquote(text: string): string {
  const t = text.trim();
  const m = /^(["'“”‘’])(.*)(["'“”‘’])$/s.exec(t);
  return m ? (m[2] ?? '').trim() : t;
}

const USAGE = {
  view: '/secsol view <solution>',
  history: '/secsol history <solution>',
  snooze: '/secsol snooze <solution> <duration: 30m, 4h, 1d… up to 30d, or recovered>',
  unsnooze: '/secsol unsnooze <solution>',
} as const;

export function parseCommand(raw: string): Command {
  const text = decodeEntities(raw).replace(/\s+/g, ' ').trim();
  if (text === '') return { kind: 'status' };
  if (text.length > MAX_TEXT) return { kind: 'invalid', problem: 'That command is too long.' };
  const space = text.indexOf(' ');
  const verb = (space === -1 ? text : text.slice(0, space)).toLowerCase();
  const rest = unquote(space === -1 ? '' : text.slice(space + 1));

  switch (verb) {
    case 'status':
      return { kind: 'status' };
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'discovered':
      return { kind: 'discovered' };
    case 'sources':
    case 'add':
      return { kind: 'sources' };
    case 'alerts':
      return { kind: 'alerts', ref: rest === '' ? null : rest };
    case 'view':
    case 'history':
    case 'unsnooze':
      if (rest === '')
        return { kind: 'invalid', problem: `Which solution? Usage: ${USAGE[verb]}`, usage: verb };
      return { kind: verb, ref: rest };
    case 'snooze':
      return parseSnooze(rest);
    case 'maintenance':
      return parseMaintenance(rest);
    default:
      return { kind: 'invalid', problem: `Unknown command "${verb.slice(0, 40)}".` };
  }
}

function parseSnooze(rest: string): Command {
  const cut = rest.lastIndexOf(' ');
  if (rest === '' || cut === -1) {
    return {
      kind: 'invalid',
      problem: `Which solution, and for how long? Usage: ${USAGE.snooze}`,
      usage: 'snooze',
    };
  }
  const ref = unquote(rest.slice(0, cut));
  const word = rest.slice(cut + 1).toLowerCase();
  if (word === 'recovered' || word === 'recovery') return { kind: 'snooze', ref, until: 'recovered' };
  const ms = parseDuration(word);
  if (ms !== null && ms < MIN_SNOOZE_MS) {
    return { kind: 'invalid', problem: 'A snooze lasts at least 1m.', usage: 'snooze' };
  }
  if (ms === null) {
    return {
      kind: 'invalid',
      problem: `"${word.slice(0, 40)}" is not a duration. Use minutes, hours or days like 30m, 4h or 1d (up to 30d), or "recovered" to hold alerts until it recovers.`,
      usage: 'snooze',
    };
  }
  if (ms > MAX_SNOOZE_MS) {
    return {
      kind: 'invalid',
      problem: `A snooze can last at most 30d ("${word.slice(0, 40)}" is longer). Use "recovered" to hold alerts until it recovers.`,
      usage: 'snooze',
    };
  }
  return { kind: 'snooze', ref, until: { ms, text: word } };
}
