/**
 * The set-up most test files share, as vitest fixtures: a fake Slack for the file, and secsol started
 * against it under a fresh key prefix, both closed (and the prefix's keys deleted) when the file is done.
 *
 *   const test = fakeSlackTest;                   // only the fake Slack, reset after each test
 *   const test = secsolTest({ worker: false });   // plus one app for the whole file: `app`, `secsol`
 *   test('…', async ({ startSecsol }) => {        // or an app of its own per test, closed after it
 *     const secsol = await startSecsol({ env: { SECSOL_EXPECTED_EVERY: '1m' } });
 *   });
 */
import { test as base } from 'vitest';
import { FakeSlack } from './fake-slack.js';

type OnCleanup = (cleanup: () => Promise<void> | void) => void;

/** A fake Slack for the whole test file. */
// biome-ignore lint/correctness/noEmptyPattern: vitest requires a destructuring pattern as a fixture's first parameter.
async function fakeSlackForFile({}: object, { onCleanup }: { onCleanup: OnCleanup }): Promise<FakeSlack> {
  const fake = await FakeSlack.start();
  onCleanup(() => fake.close());
  return fake;
}

/** A fake Slack for the whole file; what it recorded is forgotten after each test. */
export const fakeSlackTest = base
  .extend('fake', { scope: 'file' }, fakeSlackForFile)
  .extend('resetSlack', { auto: true }, ({ fake }, { onCleanup }) => {
    onCleanup(() => fake.reset());
    return undefined;
  });
