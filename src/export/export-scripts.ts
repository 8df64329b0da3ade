/**
 * The export list's compare-and-set steps (Lua, atomic in Redis) behind a typed facade. Each acts on the
 * head of one solution's export list only if it is still the element the sender read, so a sender that lost
 * its lease (a stalled job picked up elsewhere) can never pop or fail someone else's message.
 *
 * One method per script (lua/<name>-<numberOfKeys>.lua beside this module, loaded by storage/lua-loader.ts
 * under their own command names), taking named fields and answering the named outcomes of the table below.
 * Keys are built here from the context's `keys`; every key a script touches is passed in KEYS, under the one
 * hash tag (storage/keys.ts).
 */
import type { StorageContext } from '../storage/context.js';
import { defineLuaScripts, type LuaArg, luaFolder, runLua } from '../storage/lua-loader.js';
import { decodeFrom, type ResultTables, type TableOutcome } from '../storage/script-results.js';

export const EXPORT_LUA = luaFolder(new URL('./lua/', import.meta.url), 'secsol-export');

/** What each script answers and its named outcome; each script's header documents the same codes. */
export const EXPORT_SCRIPT_RESULTS = {
  ack: { 1: 'acked', 0: 'not-head' },
  fail: { 1: 'failed', 0: 'not-head' },
  hold: { 1: 'held', 0: 'not-head' },
  settle: { 1: 'settled', 0: 'not-empty' },
  redrive: { 1: 'requeued', 0: 'not-failed' },
  renew: { 1: 'renewed', 0: 'lost' },
  release: { 1: 'released', 0: 'not-held' },
} as const satisfies ResultTables;

export type ExportScriptName = keyof typeof EXPORT_SCRIPT_RESULTS;
export type ExportOutcome<S extends ExportScriptName> = TableOutcome<typeof EXPORT_SCRIPT_RESULTS, S>;

export class ExportScripts {
  constructor(private readonly ctx: Pick<StorageContext, 'redis' | 'keys'>) {
    defineLuaScripts(ctx.redis, EXPORT_LUA);
  }

  /** The receiver took the head: popped, counted delivered. */
  ack(a: { solutionId: string; head: string }): Promise<ExportOutcome<'ack'>> {
    const { keys } = this.ctx;
    return this.run(
      'ack',
      [keys.exportList(a.solutionId), keys.exportRetry(a.solutionId), keys.exportStats],
      [a.head],
    );
  }

  /** The head failed for good: kept for re-drive and logged with the failed deliveries. */
  fail(a: {
    solutionId: string;
    head: string;
    messageId: string;
    recordJson: string;
    failedAt: number;
    entryTtlMs: number;
    errorJson: string;
    errorsCap: number;
  }): Promise<ExportOutcome<'fail'>> {
    const { keys } = this.ctx;
    return this.run(
      'fail',
      [
        keys.exportList(a.solutionId),
        keys.exportRetry(a.solutionId),
        keys.exportStats,
        keys.exportFailed,
        keys.exportFailedEntry(a.messageId),
        keys.deliveryErrors,
      ],
      [a.head, a.messageId, a.recordJson, a.failedAt, a.entryTtlMs, a.errorJson, a.errorsCap],
    );
  }

  /** The head waits for another attempt at `nextAt`. */
  hold(a: {
    solutionId: string;
    head: string;
    messageId: string;
    attempts: number;
    nextAt: number;
    lastError: string;
  }): Promise<ExportOutcome<'hold'>> {
    const { keys } = this.ctx;
    return this.run(
      'hold',
      [keys.exportList(a.solutionId), keys.exportRetry(a.solutionId), keys.exportPending],
      [a.head, a.messageId, a.attempts, a.nextAt, a.lastError, a.solutionId],
    );
  }

  /** The solution leaves the pending set if its list is empty. */
  settle(a: { solutionId: string }): Promise<ExportOutcome<'settle'>> {
    const { keys } = this.ctx;
    return this.run('settle', [keys.exportList(a.solutionId), keys.exportPending], [a.solutionId]);
  }

  /** A failed message goes back at the end of its solution's list, once. */
  redrive(a: {
    messageId: string;
    solutionId: string;
    element: string;
    now: number;
  }): Promise<ExportOutcome<'redrive'>> {
    const { keys } = this.ctx;
    return this.run(
      'redrive',
      [
        keys.exportFailedEntry(a.messageId),
        keys.exportFailed,
        keys.exportList(a.solutionId),
        keys.exportPending,
      ],
      [a.messageId, a.element, a.now, a.solutionId],
    );
  }

  renew(a: { solutionId: string; token: string; leaseMs: number }): Promise<ExportOutcome<'renew'>> {
    return this.run('renew', [this.ctx.keys.exportLease(a.solutionId)], [a.token, a.leaseMs]);
  }

  release(a: { solutionId: string; token: string }): Promise<ExportOutcome<'release'>> {
    return this.run('release', [this.ctx.keys.exportLease(a.solutionId)], [a.token]);
  }

  private async run<S extends ExportScriptName>(
    name: S,
    keys: string[],
    argv: LuaArg[],
  ): Promise<ExportOutcome<S>> {
    const reply = await runLua(this.ctx.redis, EXPORT_LUA, name, keys, argv);
    return decodeFrom(EXPORT_SCRIPT_RESULTS, name, reply);
  }
}
