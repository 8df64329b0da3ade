/**
 * What tests look for among the Web API calls the app made to the fake Slack, in words: `fake.waitFor(
 * toldTo('U0ONCALL', 'Already acknowledged'))`, `fake.calls.filter(updatesOf(alert.ts))`; and the messages
 * the app posted, with the buttons a user can click in them.
 */
import type { SlackCall } from './fake-slack.js';

/** A top-level message posted in `channel` (not a thread reply). */
export const topLevelPosts = (channel: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' && c.args.channel === channel && c.args.thread_ts === undefined;

/** An edit of the message `ts`. */
export const updatesOf = (ts: string) => (c: SlackCall) => c.method === 'chat.update' && c.args.ts === ts;

/** A reply in the thread of `ts`, optionally one whose text matches `text`. */
export const repliesTo = (ts: string, text?: RegExp) => (c: SlackCall) =>
  c.method === 'chat.postMessage' && c.args.thread_ts === ts && (!text || text.test(String(c.args.text)));

/** An ephemeral message to `user` whose text contains `text`. */
export const toldTo = (user: string, text: string) => (c: SlackCall) =>
  c.method === 'chat.postEphemeral' && c.args.user === user && String(c.args.text).includes(text);

/** The delivery id secsol puts in a message's metadata (the flip, digest or batch it delivers). */
export function deliveryIdOf(c: SlackCall | undefined): string | undefined {
  return (c?.args.metadata as { event_payload?: { delivery_id?: string } } | undefined)?.event_payload
    ?.delivery_id;
}

/** The solution an incident message is about, from its metadata. */
export function solutionIdOf(c: SlackCall | undefined): string | undefined {
  return (c?.args.metadata as { event_payload?: { solution_id?: string } } | undefined)?.event_payload
    ?.solution_id;
}

/** A message the app posted in a channel, as the fake Slack recorded it. */
export interface PostedMessage {
  channel: string;
  ts: string;
  /** The chat.postMessage call: its text, blocks and metadata. */
  call: SlackCall;
}

/** An incident message in the alert channel. */
export interface Alert extends PostedMessage {
  solutionId: string;
}

/** A connection request in the approval channel, with Approve and Deny. */
export interface ApprovalRequest extends PostedMessage {
  enrollmentId: string;
}

type Element = { action_id?: string; value?: string; options?: { value: string }[] };
type Block = { type: string; block_id?: string; elements?: Element[]; accessory?: Element };

/** The button (or menu) `actionId` in a message's blocks, and the block that holds it. */
export function findElement(
  message: PostedMessage,
  actionId: string,
): { element: Element; blockId?: string } {
  for (const block of (message.call.args.blocks ?? []) as Block[]) {
    for (const element of [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])]) {
      if (element.action_id === actionId) return { element, blockId: block.block_id };
    }
  }
  throw new Error(`no ${actionId} in the message ${message.ts} in ${message.channel}`);
}

/** The value the button `actionId` of a message carries. */
export function buttonValue(message: PostedMessage, actionId: string): string {
  const { element } = findElement(message, actionId);
  if (element.value === undefined) throw new Error(`${actionId} carries no value`);
  return element.value;
}
