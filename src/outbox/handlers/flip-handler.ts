/**
 * A flip: a new incident is posted; a relapse soon after a recovery reopens the last incident's message
 * (flapping); an escalation or a recovery edits the incident message and replies in its thread. Flips of
 * one solution are told in order, held while snoozed or in maintenance, and grouped into a digest when many wait for one
 * channel.
 */
import { formatDuration } from '../../domain/duration.js';
import { holdsFlip, openDisplay, reopenCandidate, resolvedDisplay } from '../../domain/incident.js';
import { incidentMessage, incidentReply } from '../../slack/blocks/alert-blocks.js';
import { type FlipRecord, flipIdFor } from '../../storage/flip-repository.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import { FINAL, type Handler, type Held, type PipelineDeps, type Plan, RetryLater } from '../pipeline.js';
import { groupIntoDigest } from './digest-handler.js';

/** The flip before this one, when it is still to be told (a recovery waits for its incident). */
async function previousOf(flip: FlipRecord, d: PipelineDeps): Promise<FlipRecord | null> {
  const seq = Number(flip.id.slice(flip.id.lastIndexOf('-') + 1));
  return seq > 1 ? d.flips.get(flipIdFor(flip.solutionId, seq - 1)) : null;
}

export const flipHandler: Handler<FlipRecord> = async (flip, d) => {
  const rec = flip.digestId ? null : await d.solutions.get(flip.solutionId);
  return {
    async hold(): Promise<Held | null> {
      if (flip.digestId) return null; // its digest speaks for it
      if (!rec) return { held: 'solution deleted' };
      const previous = await previousOf(flip, d);
      if (previous && !FINAL.has(previous.delivery)) throw new RetryLater(500);
      if (flip.kind === 'quiet') return null;
      // Held while snoozed or in maintenance, but an escalation still shows in the open message (an edit
      // notifies nobody). A recovery always goes out, so that an open message never stays red.
      const after = flip.kind === 'escalation' ? () => d.incidents.refresh(flip.solutionId) : undefined;
      if (holdsFlip(rec, flip.kind, d.now())) return { held: 'snoozed', after };
      const window = flip.kind === 'recovery' ? null : await d.maintenance?.holding(flip.solutionId, d.now());
      if (!window) return null;
      // The window's end looks at the solution again (one alert if it is still bad then).
      await d.maintenance?.markHeld(window.member, flip.solutionId, window.end);
      return { held: `maintenance ${window.windowId}`, after };
    },
    group: () => groupIntoDigest(flip, d),
    render: () => renderFlip(flip, rec as SolutionRecord, d),
  };
};

async function renderFlip(flip: FlipRecord, rec: SolutionRecord, d: PipelineDeps): Promise<Plan | Held> {
  const now = d.now();
  const solutionId = rec.solution.id;
  const message = (incident: FlipRecord, display: ReturnType<typeof openDisplay>) =>
    incidentMessage({ solution: rec.solution, flipId: incident.id, ...display });
  const shown = { state: flip.to, reason: flip.reason };

  if (flip.kind === 'incident') {
    const previous = await reopenable(rec, flip, d);
    if (previous) {
      // Flapping: the same incident message comes back to life instead of a new message per relapse.
      const threadTs = previous.incidentTs ?? (previous.ts as string);
      const lastedMs = flip.at - (rec.lastResolvedAt ?? flip.at);
      const reason = `${flip.reason}. Reopened: it had recovered only ${formatDuration(lastedMs)} before (flapping)`;
      return {
        update: {
          channel: previous.channel,
          ts: threadTs,
          message: message(previous, openDisplay(rec, previous, shown, now)),
        },
        post: {
          channel: previous.channel,
          threadTs,
          solutionId,
          message: incidentReply(rec.solution, flip.from, flip.to, reason, previous.at, flip.at),
        },
        recorded: (ts) => ({ ts: ts as string, incidentTs: threadTs }),
        after: () => d.incidents.opened(solutionId, previous.id, { remind: true }),
      };
    }
  }
  const incident = rec.incidentFlip ? await d.flips.get(rec.incidentFlip) : null;
  if (flip.kind === 'incident' || (flip.kind === 'escalation' && !incident?.ts)) {
    return {
      post: { channel: flip.channel, solutionId, message: message(flip, openDisplay(rec, flip, shown, now)) },
      recorded: (ts) => ({ ts: ts as string, incidentTs: ts as string }),
      after: () => d.incidents.opened(solutionId, flip.id, { remind: true }),
    };
  }
  if (!incident?.ts) {
    // A recovery from an incident that was never posted (held while snoozed, or failed): nothing to resolve.
    return { held: 'no incident message', after: () => d.incidents.resolved(solutionId, undefined, flip.at) };
  }
  const threadTs = incident.incidentTs ?? incident.ts;
  const display =
    flip.kind === 'recovery'
      ? resolvedDisplay(rec, incident, flip, (await previousOf(flip, d)) ?? undefined)
      : openDisplay(rec, incident, shown, now);
  return {
    // A digest's message is not this incident's to edit: the thread reply tells the change.
    update: incident.digestId
      ? undefined
      : { channel: incident.channel, ts: threadTs, message: message(incident, display) },
    post: {
      channel: incident.channel,
      threadTs,
      solutionId,
      message: incidentReply(rec.solution, flip.from, flip.to, flip.reason, incident.at, flip.at),
    },
    recorded: (ts) => ({ ts: ts as string, incidentTs: threadTs }),
    after: async () => {
      if (flip.kind === 'recovery') await d.incidents.resolved(solutionId, incident.id, flip.at);
    },
  };
}

/** The solution's last incident, if it resolved recently enough (and in a message of its own) to reopen. */
async function reopenable(
  rec: SolutionRecord,
  flip: FlipRecord,
  d: PipelineDeps,
): Promise<FlipRecord | null> {
  const id = reopenCandidate(rec, flip.at, d.opts.flapWindowMs);
  const previous = id ? await d.flips.get(id) : null;
  if (!previous?.ts || previous.digestId || previous.channel !== flip.channel) return null;
  return previous;
}
