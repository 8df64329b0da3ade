/**
 * Stale clicks. A button carries the solution's version `v` from when its message was built; a click on
 * a solution that was deleted or changed since must not act on what the clicker saw. It is refused with
 * an explanation and, where the clicked message shows the solution, the message is brought up to date.
 */
import type { KnownBlock } from '@slack/types';
import type { SolutionRecord } from '../storage/solution-record.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import type { SlackMessage } from './blocks/alert-blocks.js';
import { escTrunc, oneLine } from './mrkdwn.js';

export type Freshness =
  | { kind: 'fresh'; record: SolutionRecord }
  | { kind: 'deleted'; id: string }
  | { kind: 'changed'; record: SolutionRecord };

export type Stale = Exclude<Freshness, { kind: 'fresh' }>;

/** Compares the clicked version with the stored one. */
export async function checkFreshness(
  solutions: Pick<SolutionRepository, 'get'>,
  ref: { s: string; v: number },
): Promise<Freshness> {
  const record = await solutions.get(ref.s);
  if (!record) return { kind: 'deleted', id: ref.s };
  if (record.solution.version !== ref.v) return { kind: 'changed', record };
  return { kind: 'fresh', record };
}

/** The refusal in words. `id` comes from a validated button value (a slug), so it is safe as is. */
export function staleExplanation(stale: Stale): string {
  if (stale.kind === 'deleted') {
    return `\`${stale.id}\` was deleted since this message was posted. Nothing was changed.`;
  }
  const name = escTrunc(oneLine(stale.record.solution.name), 150);
  return `*${name}* changed since this message was posted; here is its current state. Nothing was changed: check it and try again.`;
}

/** What a deleted solution's message becomes. `by` is a mention built from a validated id. */
export function deletedMessage(id: string, opts: { name?: string; by?: string } = {}): SlackMessage {
  const what = opts.name ? `*${escTrunc(oneLine(opts.name), 150)}* (\`${id}\`)` : `\`${id}\``;
  const text = opts.by ? `${what} was deleted by ${opts.by}.` : `${what} was deleted.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:wastebasket: ${text}` } }] };
}

/** How a refusal is delivered: the clicked message's surface (see listeners/actions/click.ts). */
export interface StaleAnswer {
  tell(text: string, blocks?: KnownBlock[]): Promise<void>;
  replace(message: SlackMessage): Promise<boolean>;
}

const MAX_BLOCKS = 50;

/**
 * Refuses a stale click. With `inPlace`, the clicked message is replaced by `current` (the solution's
 * current state) or, for a deleted solution, by a short notice; otherwise, or when it cannot be replaced,
 * the current state travels with the explanation.
 */
export async function refuseStale(
  stale: Stale,
  answer: StaleAnswer,
  opts: { current?: SlackMessage | null; inPlace: boolean },
): Promise<void> {
  const text = staleExplanation(stale);
  const explanation: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: `:hourglass: ${text}` } };
  const replacement = stale.kind === 'deleted' ? deletedMessage(stale.id) : (opts.current ?? null);
  const replaced = opts.inPlace && replacement !== null && (await answer.replace(replacement));
  if (replaced || stale.kind === 'deleted' || !opts.current) {
    await answer.tell(text);
    return;
  }
  await answer.tell(text, [explanation, ...opts.current.blocks].slice(0, MAX_BLOCKS));
}
