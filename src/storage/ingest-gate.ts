/**
 * The gate of the ingestion scripts (lua/ingestHealth, lua/ingestEvents): the token check and the per-token
 * rate limit that run inside the write, so a report through the API costs one round trip. Its keys are
 * RateLimiter's (the same counter), its refusals the codes of GATE_RESULTS.
 */
import type { Keys } from './keys.js';
import type { LuaArg } from './lua-loader.js';
import { GATE_RESULTS, type GateRefusal } from './script-results.js';

/** Who may write through the API: checked inside the ingestion scripts (one round trip per request). */
export interface IngestGate {
  /** sha256 of the presented token. */
  tokenHash: string;
  /** The token's rate limit: `limit` requests per `windowMs` (fixed windows, as RateLimiter counts). */
  limit: number;
  windowMs: number;
  now: number;
}

/** The gate's keys: the token's, and its rate counter for this window (RateLimiter's key). */
export function gateKeys(keys: Keys, gate: IngestGate | undefined): [string, string] {
  // Without a gate the script touches neither key; they are named only to keep the key count fixed.
  if (!gate) return [keys.token('-'), keys.rate('-', 0)];
  const window = Math.floor(gate.now / gate.windowMs);
  return [keys.token(gate.tokenHash), keys.rate(`token:${gate.tokenHash}`, window)];
}

export const gateArgs = (gate: IngestGate | undefined): LuaArg[] =>
  gate ? [gate.tokenHash, gate.windowMs, gate.limit] : ['', 0, 0];

/** The gate's refusal in a script's answer, or undefined when the script went on to write. */
export function gateRefusal(reply: unknown): GateRefusal | undefined {
  const code = Array.isArray(reply) ? reply[0] : reply;
  if (code === -3) return GATE_RESULTS[-3];
  if (code === -4) return GATE_RESULTS[-4];
  if (code === -5 && Array.isArray(reply)) return { retryAfterMs: Number(reply[1]) };
  return undefined;
}
