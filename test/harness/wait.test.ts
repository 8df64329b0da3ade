import { describe, expect, it } from 'vitest';
import { waitUntil } from './wait.js';

describe('waitUntil', () => {
  it('polls until the condition holds and returns its value', async () => {
    let n = 0;
    const value = await waitUntil(
      () => {
        n += 1;
        return n >= 3 ? { n } : undefined;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ n: 3 });
  });

  it('fails with the message, the last value and the last error', async () => {
    const err = await waitUntil(() => false, { timeoutMs: 30, message: 'never true' }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(/timed out after 30 ms.*never true/);
    expect((err as Error).message).toContain('last value: false');
    const thrown = await waitUntil(
      () => {
        throw new Error('boom');
      },
      { timeoutMs: 30 },
    ).catch((e: unknown) => e);
    expect((thrown as Error).message).toContain('last error: boom');
  });
});
