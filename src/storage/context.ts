import { buildKeys, type Keys } from './keys.js';
import type { Connection } from './redis.js';
import { Scripts } from './scripts.js';

/** What every repository needs: one connection, the key builder and the Lua scripts defined on it. */
export interface StorageContext {
  readonly redis: Connection;
  readonly keys: Keys;
  readonly scripts: Scripts;
  /**
   * Continuous export is on: flips and events are also appended to their solution's export list, in the
   * same atomic step that records them (src/export/).
   */
  readonly exportEnabled: boolean;
  /** Bytes of security events kept per solution (SECSOL_EVENT_BUDGET): the oldest are dropped past it. */
  readonly eventBudget: number;
}

/** SECSOL_EVENT_BUDGET's default: 4 MiB of events per solution. */
export const DEFAULT_EVENT_BUDGET = 4 * 1024 * 1024;

export function storageContext(
  redis: Connection,
  prefix: string,
  opts: { exportEnabled?: boolean; eventBudget?: number } = {},
): StorageContext {
  const keys = buildKeys(prefix);
  return {
    redis,
    keys,
    scripts: new Scripts(redis, keys),
    exportEnabled: opts.exportEnabled ?? false,
    eventBudget: opts.eventBudget ?? DEFAULT_EVENT_BUDGET,
  };
}
