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
}

export function storageContext(
  redis: Connection,
  prefix: string,
  opts: { exportEnabled?: boolean } = {},
): StorageContext {
  const keys = buildKeys(prefix);
  return { redis, keys, scripts: new Scripts(redis, keys), exportEnabled: opts.exportEnabled ?? false };
}
