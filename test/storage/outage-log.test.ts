import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { OutageLog } from '../../src/storage/outage-log.js';

function recorder() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }),
  } as unknown as Logger;
  return { lines, logger };
}

describe('OutageLog', () => {
  it('logs the first error of an outage, counts the rest, and sums it up once when Redis is back', () => {
    const { lines, logger } = recorder();
    let now = 1000;
    const log = new OutageLog(logger, () => now);
    log.error('queue:deliver', new Error('connect ECONNREFUSED'));
    for (let i = 0; i < 40; i++) log.error(i % 2 ? 'worker:evaluate' : 'queue:evaluate', 'ECONNREFUSED');
    expect(lines).toHaveLength(1);
    expect(log.down).toBe(true);
    now = 6000;
    log.recovered();
    log.recovered();
    expect(lines).toHaveLength(2);
    expect(lines[1]?.obj).toEqual({
      downMs: 5000,
      suppressedErrors: 40,
      sources: ['queue:deliver', 'queue:evaluate', 'worker:evaluate'],
    });
    log.error('queue:deliver', 'again');
    expect(lines).toHaveLength(3);
  });
});
