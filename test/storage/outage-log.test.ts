import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/logger.js';
import { OutageLog } from '../../src/storage/outage-log.js';

function recorder() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const infos: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = {
    warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }),
    info: (obj: Record<string, unknown>, msg: string) => infos.push({ obj, msg }),
  } as unknown as Logger;
  return { lines, infos, logger };
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

  it('logs jobs whose locks the outage took at info, during it and just after; later, as warnings', () => {
    const { lines, infos, logger } = recorder();
    let now = 1000;
    const log = new OutageLog(logger, () => now);
    log.error('worker:evaluate', 'could not renew lock for job repeat:tick:1');
    expect(lines).toHaveLength(1);
    log.error('redis:default', 'read ECONNRESET');
    log.error('worker:evaluate', 'could not renew lock for job repeat:tick:2');
    now = 5000;
    log.recovered();
    now = 6000;
    log.error('worker:evaluate', 'Missing key for job repeat:tick:2. moveToFinished');
    expect(lines.map((l) => l.msg)).toEqual([
      'redis client error',
      'redis unavailable; further errors are counted until it is back',
      'redis available again',
    ]);
    expect(infos.map((l) => l.obj.err)).toEqual([
      'could not renew lock for job repeat:tick:2',
      'Missing key for job repeat:tick:2. moveToFinished',
    ]);
    now = 60_000;
    log.error('worker:evaluate', 'Missing lock for job 7. moveToFinished');
    expect(lines).toHaveLength(4);
  });
});
