/**
 * The result codes of the Lua scripts in storage/lua/, in one table: what each script answers (a number,
 * or a string for the scripts that answer in words) and the named outcome the repositories work with.
 * Each script's header documents the same codes; test/storage/scripts.test.ts checks they agree.
 */
export const SCRIPT_RESULTS = {
  createSolution: { 1: 'created', 0: 'id-taken', [-1]: 'name-taken' },
  /** Gated (through the API), also -3, -4 and {-5, pttl}: see GATE_RESULTS. */
  ingestHealth: { 1: 'applied', 0: 'history-only', [-1]: 'missing', [-2]: 'not-connected' },
  /** Besides these, the script answers {0, alertChannel, accepted event ids...}, and GATE_RESULTS. */
  ingestEvents: { [-1]: 'missing', [-2]: 'not-connected' },
  commitEvaluation: { gone: 'gone', stale: 'stale', same: 'same', flip: 'flip' },
  /** The status in the script's {applied, status, decidedBy} answer. */
  decideEnrollment: {
    approved: 'approved',
    denied: 'denied',
    cancelled: 'cancelled',
    missing: 'missing',
    stale: 'stale',
  },
  setToken: { 1: 'set', 0: 'exists', [-1]: 'missing', [-2]: 'changed' },
  hsetIfExists: { 1: 'set', 0: 'missing' },
  setFacts: { 1: 'set', [-1]: 'missing' },
  updateConfig: { 1: 'ok', 0: 'stale', [-1]: 'missing', [-2]: 'name-taken' },
  releaseName: { 1: 'released', 0: 'held' },
  cancelEnrollment: { 1: 'cancelled', 0: 'not-pending' },
  joinEventBatch: { 1: 'joined', 0: 'closed', [-1]: 'not-yet' },
  closeEventBatch: { 1: 'closed', 0: 'missing' },
  extendIfHeld: { 1: 'extended', 0: 'not-held' },
  adoptIdentity: { 1: 'indexed', 0: 'name-shared', [-1]: 'missing' },
  releaseLease: { 1: 'released', 0: 'not-held' },
  claimReminder: { 1: 'claimed', 0: 'lost' },
  claimDue: { 1: 'claimed', 0: 'lost' },
  retryFailed: { 1: 'requeued', 0: 'not-failed', [-1]: 'missing' },
  indexSolution: { 1: 'indexed', 0: 'not-listed' },
} as const satisfies ResultTables;

/** What the ingestion scripts' gate (token, its solution, the rate limit) answers instead of writing. */
export const GATE_RESULTS = { [-3]: 'unauthorized', [-4]: 'other-solution' } as const;
export type GateRefusal = (typeof GATE_RESULTS)[keyof typeof GATE_RESULTS] | { retryAfterMs: number };

export type CodedScript = keyof typeof SCRIPT_RESULTS;
export type ScriptOutcome<S extends CodedScript> = TableOutcome<typeof SCRIPT_RESULTS, S>;

/** The named outcome of a script's answer; an answer outside the table is a bug, never guessed at. */
export function decodeResult<S extends CodedScript>(script: S, reply: unknown): ScriptOutcome<S> {
  return decodeFrom(SCRIPT_RESULTS, script, reply);
}

/**
 * A folder's result tables: script name -> its answers -> named outcome. Other modules with their own Lua
 * folder keep such a table beside their facade (export/export-scripts.ts) and decode with `decodeFrom`.
 */
export type ResultTables = Record<string, Record<string, string>>;
export type TableOutcome<T extends ResultTables, S extends keyof T> = T[S][keyof T[S]];

/** `decodeResult` for any table. */
export function decodeFrom<T extends ResultTables, S extends keyof T & string>(
  tables: T,
  script: S,
  reply: unknown,
): TableOutcome<T, S> {
  const table: Record<string, string> = tables[script] ?? {};
  const code = typeof reply === 'number' || typeof reply === 'string' ? String(reply) : undefined;
  if (code === undefined || !Object.hasOwn(table, code))
    throw new Error(`script ${script} answered ${JSON.stringify(reply)}`);
  return table[code] as TableOutcome<T, S>;
}
