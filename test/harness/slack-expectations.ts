/**
 * What tests look for among the Web API calls the app made to the fake Slack, in words: `fake.waitFor(
 * toldTo('U0ONCALL', 'Already acknowledged'))`, `fake.calls.filter(updatesOf(alert.ts))`.
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
