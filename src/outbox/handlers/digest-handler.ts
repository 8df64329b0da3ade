/**
 * The group step. When many flips wait for one channel (an outage), they join one digest message that is
 * edited as more arrive, instead of hundreds of messages. The digest is rendered under the lease of the
 * flip that found it, at most once per `digestEditEveryMs`, and settles the flips it stands for.
 */
import { randomUUID } from 'node:crypto';
import { type DigestEntry, digestMessage } from '../../slack/blocks/alert-blocks.js';
import type { FlipRecord } from '../../storage/flip-repository.js';
import type { ItemOf } from '../kinds.js';
import { FINAL, type Handler, type PipelineDeps, RetryLater } from '../pipeline.js';

/** Null when the flip goes alone; otherwise the digest's outcome (whether it wrote to the channel). */
export async function groupIntoDigest(flip: FlipRecord, d: PipelineDeps): Promise<boolean | null> {
  if (flip.digestId) return d.runItem({ kind: 'digest', itemId: flip.digestId });
  const backlog = await d.delivery.channelBacklog(flip.channel);
  const open = await d.digests.openDigest(flip.channel);
  if (!open && backlog.length < d.opts.digestThreshold) return null;
  const digestId = open ?? `dig-${randomUUID()}`;
  await d.digests.joinDigest(digestId, flip.channel, backlog, d.now(), d.opts.digestWindowMs);
  return d.runItem({ kind: 'digest', itemId: digestId });
}

/** Posts or edits a digest so that it shows every flip that joined it, then settles those flips. */
export const digestHandler: Handler<ItemOf<'digest'>> = async (digest, d) => {
  const now = d.now();
  const settle = (ts: string, known?: (FlipRecord | null)[]) =>
    settleMembers(digest.id, digest.channel, ts, d, known);
  return {
    async render() {
      if (digest.ts && (digest.renderedSeq ?? -1) >= digest.seq) {
        await settle(digest.ts);
        return null;
      }
      const lastRender = digest.lastRenderAt ?? 0;
      if (digest.ts && now - lastRender < d.opts.digestEditEveryMs) {
        throw new RetryLater(d.opts.digestEditEveryMs - (now - lastRender));
      }
      const members = await Promise.all(
        (await d.digests.digestMembers(digest.id)).map((id) => d.flips.get(id)),
      );
      const message = digestMessage(await entriesOf(members, d), digest.createdAt);
      const rendered = { renderedSeq: String(digest.seq), lastRenderAt: String(now) };
      return {
        ...(digest.ts
          ? { update: { channel: digest.channel, ts: digest.ts, message } }
          : { post: { channel: digest.channel, message } }),
        recorded: (ts) => ({ ts: digest.ts ?? (ts as string), ...rendered }),
        after: (ts) => settle(digest.ts ?? (ts as string), members),
      };
    },
  };
};

async function entriesOf(members: (FlipRecord | null)[], d: PipelineDeps): Promise<DigestEntry[]> {
  const names = new Map<string, string>();
  const entries: DigestEntry[] = [];
  for (const f of members) {
    if (!f) continue;
    if (!names.has(f.solutionId)) {
      const rec = await d.solutions.get(f.solutionId);
      names.set(f.solutionId, rec?.solution.name ?? f.solutionId);
    }
    entries.push({
      solutionId: f.solutionId,
      name: names.get(f.solutionId) as string,
      to: f.to,
      reason: f.reason,
    });
  }
  return entries;
}

/** The flips a digest stands for are told: each is settled as digested, and its incident moves. */
async function settleMembers(
  digestId: string,
  channel: string,
  ts: string,
  d: PipelineDeps,
  known?: (FlipRecord | null)[],
): Promise<void> {
  const members =
    known ?? (await Promise.all((await d.digests.digestMembers(digestId)).map((id) => d.flips.get(id))));
  const now = d.now();
  for (const f of members) {
    if (!f || FINAL.has(f.delivery)) continue;
    await d.delivery.finish(
      d.outbox.address({ kind: 'flip', itemId: f.id }),
      channel,
      'digested',
      { ts, incidentTs: ts },
      now,
    );
    // A digest's message has no thread of its own to remind in.
    if (f.kind === 'incident' || f.kind === 'escalation')
      await d.incidents.opened(f.solutionId, f.id, { remind: false });
    else if (f.kind === 'recovery') await d.incidents.resolved(f.solutionId, undefined, f.at);
  }
}
