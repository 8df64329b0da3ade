/**
 * Test-only fault hooks (`SECSOL_FAULTS=crash_after_slack_ok:once`), honoured only when NODE_ENV=test:
 * config drops them in any other environment. `:once` is remembered in Redis, so a restarted worker
 * does not crash again.
 */

import type { Keys } from '../storage/keys.js';
import type { Connection } from '../storage/redis.js';

export type FaultName = 'crash_after_slack_ok' | 'crash_before_slack';

export class Faults {
  constructor(
    private readonly enabled: ReadonlySet<string>,
    private readonly redis: Connection,
    private readonly keys: Keys,
  ) {}

  /** Kills the process (as SIGKILL would: no cleanup) when the fault is armed. */
  async maybeCrash(name: FaultName): Promise<void> {
    if (this.enabled.has(name)) return this.crash();
    if (this.enabled.has(`${name}:once`)) {
      const first = await this.redis.set(this.keys.faultFired(name), '1', 'NX');
      if (first === 'OK') this.crash();
    }
  }

  private crash(): void {
    process.kill(process.pid, 'SIGKILL');
  }
}
