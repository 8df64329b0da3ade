/**
 * The base of the script facade (scripts.ts): the connection, the loading of storage/lua/, and the scripts of
 * the ingestion path (a health report or an events batch in one round trip, the web side's heartbeat, the
 * rate counter). Scripts extends it with the rest: one facade for callers, two files for readers.
 */
import { z } from 'zod';
import { gateArgs, gateKeys, gateRefusal, type IngestGate } from './ingest-gate.js';
import type { Keys } from './keys.js';
import { defineLuaScripts, type LuaArg, runLua, STORAGE_LUA } from './lua-loader.js';
import type { Connection } from './redis.js';
import { type CodedScript, decodeResult, type GateRefusal, type ScriptOutcome } from './script-results.js';

export type ScriptName = CodedScript | 'ingestBeat' | 'rateHit' | 'storedEvents';

const rateReply = z.tuple([z.number(), z.number()]);
const eventsReply = z.tuple([z.literal(0), z.string()]).rest(z.union([z.string(), z.number().int().min(0)]));
const storedReply = z.tuple([z.number().int().min(0)]).rest(z.string());

/** An event the ingestion script accepted: its sequence number, or 0 when it was too large to keep. */
export interface StoredEventRef {
  id: string;
  seq: number;
}

export class IngestScripts {
  constructor(
    protected readonly redis: Connection,
    protected readonly keys: Keys,
  ) {
    defineLuaScripts(redis, STORAGE_LUA);
  }

  /**
   * A health report. With a gate (a report through the API) the token check and the rate limit run in the
   * same script, before the write: one round trip per report.
   */
  async ingestHealth(a: {
    id: string;
    status: 'healthy' | 'unhealthy';
    observedAt: number;
    receivedAt: number;
    message: string;
    reportJson: string;
    historyCap: number;
    historyBudget: number;
    gate?: IngestGate;
  }): Promise<ScriptOutcome<'ingestHealth'> | GateRefusal> {
    const { keys } = this;
    const reply = await this.run(
      'ingestHealth',
      [keys.solution(a.id), keys.healthHistory(a.id), keys.deadlines, ...gateKeys(keys, a.gate)],
      [
        a.id,
        a.status,
        a.observedAt,
        a.receivedAt,
        a.message,
        a.reportJson,
        a.historyCap,
        a.historyBudget,
        ...gateArgs(a.gate),
      ],
    );
    return gateRefusal(reply) ?? decodeResult('ingestHealth', reply);
  }

  /**
   * The events newly stored (id and sequence number), or why none could be. The oldest stored events are
   * dropped, in the same step, past `listCap` events or `budget` bytes.
   */
  async ingestEvents(a: {
    id: string;
    receivedAt: number;
    listCap: number;
    idCap: number;
    budget: number;
    events: { id: string; json: string }[];
    /** Continuous export is on: accepted events join the solution's export list in the same step. */
    exportEnabled: boolean;
    gate?: IngestGate;
  }): Promise<
    { alertChannel: string; accepted: StoredEventRef[] } | ScriptOutcome<'ingestEvents'> | GateRefusal
  > {
    const { keys } = this;
    const reply = await this.run(
      'ingestEvents',
      [
        keys.solution(a.id),
        keys.events(a.id),
        keys.eventIds(a.id),
        keys.deadlines,
        keys.exportList(a.id),
        keys.exportPending,
        keys.eventStats,
        ...gateKeys(keys, a.gate),
      ],
      [
        a.id,
        a.receivedAt,
        a.listCap,
        a.idCap,
        a.exportEnabled ? '1' : '0',
        ...gateArgs(a.gate),
        a.budget,
        ...a.events.flatMap((e) => [e.id, e.json]),
      ],
    );
    const refused = gateRefusal(reply);
    if (refused) return refused;
    if (!Array.isArray(reply)) return decodeResult('ingestEvents', reply);
    const [, alertChannel, ...pairs] = eventsReply.parse(reply);
    const accepted: StoredEventRef[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2)
      accepted.push({ id: String(pairs[i]), seq: Number(pairs[i + 1]) });
    return { alertChannel, accepted };
  }

  /**
   * The stored events numbered `low`..`high` that are still kept, newest first, as their JSON with their
   * sequence numbers (one atomic read: positions shift as events arrive).
   */
  async storedEvents(a: { id: string; low: number; high: number }): Promise<{ seq: number; json: string }[]> {
    const reply = await this.run(
      'storedEvents',
      [this.keys.solution(a.id), this.keys.events(a.id)],
      [a.low, a.high],
    );
    const [head, ...entries] = storedReply.parse(reply);
    const top = Math.min(a.high, head);
    return entries.map((json, i) => ({ seq: top - i, json }));
  }

  /** Beats the ingestion heartbeat; returns since when reports could be received without a gap. */
  /**
   * A heartbeat: the web side's (by default) or a connector's (`clock` names its heartbeat and up-since
   * keys), restarting the up-since instant after a gap or when `starting`.
   */
  async ingestBeat(a: {
    now: number;
    gapMs: number;
    starting: boolean;
    clock?: { heartbeat: string; upSince: string };
  }): Promise<number> {
    const { keys } = this;
    const reply = await this.run(
      'ingestBeat',
      [a.clock?.heartbeat ?? keys.ingestHeartbeat, a.clock?.upSince ?? keys.ingestUpSince],
      [a.now, a.gapMs, a.starting ? '1' : '0'],
    );
    return z.coerce.number().parse(reply);
  }

  /** Counts one hit in a fixed window; returns the hits so far and the ms until the window ends. */
  async rateHit(a: {
    subject: string;
    window: number;
    windowMs: number;
  }): Promise<{ count: number; pttlMs: number }> {
    const reply = await this.run('rateHit', [this.keys.rate(a.subject, a.window)], [a.windowMs]);
    const [count, pttlMs] = rateReply.parse(reply);
    return { count, pttlMs };
  }

  /** New events join the solution's open event batch ('closed': start a new one). */
  async joinEventBatch(a: {
    solutionId: string;
    batchId: string;
    refs: [string, number][];
    count: number;
    refCap: number;
  }): Promise<ScriptOutcome<'joinEventBatch'>> {
    const { keys } = this;
    const reply = await this.run(
      'joinEventBatch',
      [keys.openEventBatch(a.solutionId), keys.eventBatch(a.batchId)],
      [a.batchId, JSON.stringify(a.refs), a.count, a.refCap],
    );
    return decodeResult('joinEventBatch', reply);
  }

  /** Extends a held key's time to live if it still holds `value`. */
  async extendIfHeld(a: {
    key: string;
    value: string;
    ttlMs: number;
  }): Promise<ScriptOutcome<'extendIfHeld'>> {
    return decodeResult('extendIfHeld', await this.run('extendIfHeld', [a.key], [a.value, a.ttlMs]));
  }

  /** The batch takes no more events: it is being rendered. */
  async closeEventBatch(a: {
    solutionId: string;
    batchId: string;
  }): Promise<ScriptOutcome<'closeEventBatch'>> {
    const { keys } = this;
    const reply = await this.run(
      'closeEventBatch',
      [keys.openEventBatch(a.solutionId), keys.eventBatch(a.batchId)],
      [a.batchId],
    );
    return decodeResult('closeEventBatch', reply);
  }

  protected run(name: ScriptName, keys: string[], argv: LuaArg[]): Promise<unknown> {
    return runLua(this.redis, STORAGE_LUA, name, keys, argv);
  }
}
