import type { Redis } from 'ioredis';
import { buildKeys, type Keys } from './keys.js';
import { Scripts } from './scripts.js';

/** What every repository needs: one connection, the key builder and the Lua scripts defined on it. */
export interface StorageContext {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly scripts: Scripts;
}

export function storageContext(redis: Redis, prefix: string): StorageContext {
  const keys = buildKeys(prefix);
  return { redis, keys, scripts: new Scripts(redis, keys) };
}
