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

export type ScriptName = CodedScript | 'ingestBeat' | 'rateHit';

const rateReply = z.tuple([z.number(), z.number()]);
const eventsReply = z.tuple([z.literal(0), z.string()]).rest(z.string());

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
        ...gateArgs(a.gate),
      ],
    );
    return gateRefusal(reply) ?? decodeResult('ingestHealth', reply);
  }

  /** The ids of the events newly stored, or why none could be. */
  async ingestEvents(a: {
    id: string;
    receivedAt: number;
    listCap: number;
    idCap: number;
    events: { id: string; json: string }[];
    /** Continuous export is on: accepted events join the solution's export list in the same step. */
    exportEnabled: boolean;
    gate?: IngestGate;
  }): Promise<{ alertChannel: string; accepted: string[] } | ScriptOutcome<'ingestEvents'> | GateRefusal> {
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
        ...gateKeys(keys, a.gate),
      ],
      [
        a.id,
        a.receivedAt,
        a.listCap,
        a.idCap,
        a.exportEnabled ? '1' : '0',
        ...gateArgs(a.gate),
        ...a.events.flatMap((e) => [e.id, e.json]),
      ],
    );
    const refused = gateRefusal(reply);
    if (refused) return refused;
    if (!Array.isArray(reply)) return decodeResult('ingestEvents', reply);
    const [, alertChannel, ...accepted] = eventsReply.parse(reply);
    return { alertChannel, accepted };
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

  protected run(name: ScriptName, keys: string[], argv: LuaArg[]): Promise<unknown> {
    return runLua(this.redis, STORAGE_LUA, name, keys, argv);
  }
}
