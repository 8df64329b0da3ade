/**
 * The Lua scripts behind a typed facade: every multi-key write whose correctness depends on what it reads
 * (compare-and-set). Redis runs each script atomically, so two evaluators, two approvers or a report racing
 * an evaluation cannot interleave inside one.
 *
 * One method per script (lua/<name>-<numberOfKeys>.lua, loaded by lua-loader.ts), taking named fields and
 * answering the named outcomes of script-results.ts. Keys are built here from `keys`. Every key a script
 * touches is passed in KEYS and they all share one hash tag (keys.ts), so they stay in one slot on Redis
 * Cluster.
 */

import { z } from 'zod';
import type { FlipKind } from '../domain/health.js';
import type { HealthState } from '../domain/model.js';
import { IngestScripts } from './ingest-scripts.js';
import { decodeResult, type ScriptOutcome } from './script-results.js';

export type { ScriptName } from './ingest-scripts.js';

type Fields = Record<string, string>;

const decisionReply = z.tuple([z.number(), z.string(), z.string()]);

export type { IngestGate } from './ingest-gate.js';

export class Scripts extends IngestScripts {
  /**
   * Creates a solution unless its id was ever used or its name is taken; a connected one (with a deadline)
   * enters the work list.
   */
  async createSolution(a: {
    id: string;
    now: number;
    firstDeadline: number | null;
    nameKey: string;
    fields: Fields;
  }): Promise<ScriptOutcome<'createSolution'>> {
    const { keys } = this;
    const reply = await this.run(
      'createSolution',
      [
        keys.solution(a.id),
        keys.solutions,
        keys.deadlines,
        keys.statusIndex,
        keys.usedIds,
        keys.names,
        keys.solutionAudit(a.id),
        keys.solutionFlips(a.id),
      ],
      [a.id, a.now, a.firstDeadline ?? '', a.nameKey, ...Object.entries(a.fields).flat()],
    );
    return decodeResult('createSolution', reply);
  }

  async commitEvaluation(a: {
    id: string;
    expectedRev: number;
    expectedState: HealthState;
    expectedSeq: number;
    newState: HealthState;
    at: number;
    reason: string;
    deadline: number | null;
    flipId: string;
    deliverable: boolean;
    channel: string;
    kind: FlipKind;
    flipCap: number;
    flipTtlMs: number;
    now: number;
    /** Continuous export is on: the flip joins the solution's export list in the same step. */
    exportEnabled: boolean;
  }): Promise<ScriptOutcome<'commitEvaluation'>> {
    const { keys } = this;
    const reply = await this.run(
      'commitEvaluation',
      [
        keys.solution(a.id),
        keys.flip(a.flipId),
        keys.solutionFlips(a.id),
        keys.deadlines,
        keys.outbox,
        keys.channelOutbox(a.channel),
        keys.exportList(a.id),
        keys.exportPending,
        keys.statusIndex,
      ],
      [
        a.id,
        a.expectedRev,
        a.expectedState,
        a.expectedSeq,
        a.newState,
        a.at,
        a.reason,
        a.deadline ?? '',
        a.flipId,
        a.deliverable ? '1' : '0',
        a.channel,
        a.kind,
        a.flipCap,
        a.flipTtlMs,
        a.now,
        a.exportEnabled ? '1' : '0',
      ],
    );
    return decodeResult('commitEvaluation', reply);
  }

  /** Applies a decision once; otherwise says who decided first, or why it cannot apply. */
  async decideEnrollment(a: {
    enrollmentId: string;
    solutionId: string;
    decision: 'approved' | 'denied';
    actor: string;
    at: number;
    firstDeadline: number;
    expectedVersion?: number | undefined;
  }): Promise<{ applied: boolean; status: ScriptOutcome<'decideEnrollment'>; decidedBy: string }> {
    const { keys } = this;
    const reply = await this.run(
      'decideEnrollment',
      [keys.enrollment(a.enrollmentId), keys.solution(a.solutionId), keys.deadlines, keys.statusIndex],
      [a.decision, a.actor, a.at, a.firstDeadline, a.expectedVersion ?? ''],
    );
    const [applied, status, decidedBy] = decisionReply.parse(reply);
    return { applied: applied === 1, status: decodeResult('decideEnrollment', status), decidedBy };
  }

  /** Cancels an enrollment still pending (its solution was deleted). */
  async cancelEnrollment(a: {
    enrollmentId: string;
    actor: string;
    at: number;
  }): Promise<ScriptOutcome<'cancelEnrollment'>> {
    const reply = await this.run('cancelEnrollment', [this.keys.enrollment(a.enrollmentId)], [a.actor, a.at]);
    return decodeResult('cancelEnrollment', reply);
  }

  /** Sets the token hash, revoking the previous token; `onlyIfNone` makes it issue-once. */
  async setToken(a: {
    id: string;
    hash: string;
    onlyIfNone: boolean;
  }): Promise<Exclude<ScriptOutcome<'setToken'>, 'changed'>> {
    const { keys } = this;
    // The previous token's index key is declared, so the stored hash is read first; a rotation racing this
    // one changes it in between and the script answers 'changed': read again.
    for (;;) {
      const old = (await this.redis.hget(keys.solution(a.id), 'tokenHash')) ?? '';
      const reply = await this.run(
        'setToken',
        [keys.solution(a.id), keys.token(a.hash), keys.token(old)],
        [a.id, a.hash, old, a.onlyIfNone ? '1' : '0'],
      );
      const outcome = decodeResult('setToken', reply);
      if (outcome !== 'changed') return outcome;
    }
  }

  /** Facts learned without a report (a connector's): `rev` bumped, due now, never a recreated record. */
  async setFacts(a: { id: string; now: number; fields: Fields }): Promise<ScriptOutcome<'setFacts'>> {
    const { keys } = this;
    return decodeResult(
      'setFacts',
      await this.run(
        'setFacts',
        [keys.solution(a.id), keys.deadlines],
        [a.id, a.now, ...Object.entries(a.fields).flat()],
      ),
    );
  }

  /** HSET on a record only if it exists (any record: the caller names its key). */
  async hsetIfExists(a: { key: string; fields: Fields }): Promise<ScriptOutcome<'hsetIfExists'>> {
    return decodeResult(
      'hsetIfExists',
      await this.run('hsetIfExists', [a.key], Object.entries(a.fields).flat()),
    );
  }

  /** A configuration change at the expected version; a new name (`nameKey`) must be free. */
  async updateConfig(a: {
    id: string;
    expectedVersion: number | null;
    now: number;
    nameKey: string | null;
    fields: Fields;
  }): Promise<ScriptOutcome<'updateConfig'>> {
    const { keys } = this;
    const reply = await this.run(
      'updateConfig',
      [keys.solution(a.id), keys.deadlines, keys.names],
      [a.id, a.expectedVersion ?? '', a.now, a.nameKey ?? '', ...Object.entries(a.fields).flat()],
    );
    return decodeResult('updateConfig', reply);
  }

  /** Frees a name whose index entry names a solution that no longer holds it. */
  async releaseName(a: { nameKey: string; holderId: string }): Promise<ScriptOutcome<'releaseName'>> {
    const { keys } = this;
    const reply = await this.run(
      'releaseName',
      [keys.names, keys.solution(a.holderId)],
      [a.nameKey, a.holderId],
    );
    return decodeResult('releaseName', reply);
  }

  /** Records a solution that predates the used-id set and the name index in them. */
  async adoptIdentity(a: { id: string; nameKey: string }): Promise<ScriptOutcome<'adoptIdentity'>> {
    const { keys } = this;
    const reply = await this.run(
      'adoptIdentity',
      [keys.solution(a.id), keys.usedIds, keys.names],
      [a.id, a.nameKey],
    );
    return decodeResult('adoptIdentity', reply);
  }

  async releaseLease(a: {
    channel: string;
    token: string;
    gapMs: number;
  }): Promise<ScriptOutcome<'releaseLease'>> {
    const reply = await this.run('releaseLease', [this.keys.channelPace(a.channel)], [a.token, a.gapMs]);
    return decodeResult('releaseLease', reply);
  }

  async claimReminder(a: {
    flipId: string;
    expectedScore: number;
    nextScore: number;
  }): Promise<ScriptOutcome<'claimReminder'>> {
    const reply = await this.run(
      'claimReminder',
      [this.keys.reminders],
      [a.flipId, a.expectedScore, a.nextScore],
    );
    return decodeResult('claimReminder', reply);
  }

  /** Claims a due entry of a schedule (`schedule` is its key) until `leaseUntil`. */
  async claimDue(a: {
    schedule: string;
    member: string;
    expectedScore: number;
    leaseUntil: number;
  }): Promise<ScriptOutcome<'claimDue'>> {
    const reply = await this.run('claimDue', [a.schedule], [a.member, a.expectedScore, a.leaseUntil]);
    return decodeResult('claimDue', reply);
  }

  /** Re-drives a failed delivery item (the caller names its key and the channel stored on it). */
  /** The item's own key and its outboxes come from the outbox's kinds registry (any kind of item). */
  async retryFailed(a: {
    itemKey: string;
    outboxKey: string;
    backlogKey: string;
    channel: string;
    now: number;
  }): Promise<ScriptOutcome<'retryFailed'>> {
    const reply = await this.run('retryFailed', [a.itemKey, a.outboxKey, a.backlogKey], [a.channel, a.now]);
    return decodeResult('retryFailed', reply);
  }

  /** Puts one solution in the status read model from its record (storage/status-index.ts). */
  async indexSolution(a: { id: string }): Promise<ScriptOutcome<'indexSolution'>> {
    const reply = await this.run('indexSolution', [this.keys.statusIndex, this.keys.solution(a.id)], [a.id]);
    return decodeResult('indexSolution', reply);
  }
}
