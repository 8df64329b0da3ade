/**
 * `/secsol maintenance …` text to a typed command (pure): `list`, `end <id>`, or
 * `<solution|all> <duration> [reason]`, where the solution may be a name with spaces: the first word that
 * reads as a duration ends it.
 */
import { parseDuration } from '../../../domain/duration.js';

export const MAX_MAINTENANCE_MS = 30 * 86_400_000;
export const MAINTENANCE_USAGE = '/secsol maintenance <solution|all> <duration> [reason] · list · end <id>';

export type MaintenanceCommand =
  | { kind: 'maintenance'; action: 'list' }
  | { kind: 'maintenance'; action: 'end'; id: string }
  | { kind: 'maintenance'; action: 'start'; ref: string | 'all'; ms: number; text: string; reason: string }
  | { kind: 'invalid'; problem: string; usage?: string };

const invalid = (problem: string): MaintenanceCommand => ({ kind: 'invalid', problem, usage: 'maintenance' });

export function parseMaintenance(rest: string): MaintenanceCommand {
  const words = rest.split(' ').filter(Boolean);
  const first = (words[0] ?? '').toLowerCase();
  if (first === 'list' && words.length === 1) return { kind: 'maintenance', action: 'list' };
  if (first === 'end' && words.length === 2)
    return { kind: 'maintenance', action: 'end', id: words[1] as string };
  const at = words.findIndex((w, i) => i > 0 && parseDuration(w.toLowerCase()) !== null);
  if (at === -1) return invalid(`Which solution, and for how long? Usage: ${MAINTENANCE_USAGE}`);
  const ms = parseDuration((words[at] as string).toLowerCase()) as number;
  if (ms < 60_000) return invalid('A maintenance window lasts at least 1m.');
  if (ms > MAX_MAINTENANCE_MS) return invalid('A maintenance window from Slack lasts at most 30d.');
  const ref = words
    .slice(0, at)
    .join(' ')
    .replace(/^["'“”‘’]|["'“”‘’]$/g, '');
  return {
    kind: 'maintenance',
    action: 'start',
    ref: ref.toLowerCase() === 'all' ? 'all' : ref,
    ms,
    text: (words[at] as string).toLowerCase(),
    reason: words
      .slice(at + 1)
      .join(' ')
      .slice(0, 300),
  };
}
