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
import { test as base, expect } from 'vitest';
import { type SecsolProcess, type StartOptions, spawnSecsol, startApp, type TestApp } from './app.js';
import { Secsol } from './drivers.js';
import { FakeSlack } from './fake-slack.js';
import { PrivateRedis } from './private-redis.js';

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

/** A redis-server of the file's own (to kill, restart or pause), stopped when the file is done. */
export function privateRedisForFile(opts: Parameters<typeof PrivateRedis.start>[0] = {}) {
  // biome-ignore lint/correctness/noEmptyPattern: vitest requires a destructuring pattern as a fixture's first parameter.
  return async ({}, { onCleanup }: { onCleanup: OnCleanup }): Promise<PrivateRedis> => {
    const redis = await PrivateRedis.start(opts);
    onCleanup(() => redis.stop());
    return redis;
  };
}

export interface SecsolTestOptions extends StartOptions {
  /** Each test ends with `fake.invalid` empty: Slack refused nothing and no mention was made live. */
  slackAcceptsAll?: boolean;
}

/**
 * A fake Slack and secsol for a test file. `app` (and its driver `secsol`) is one app for the whole file,
 * started with `options` on first use. `startSecsol` starts an app for one test and `spawnSecsol` a
 * process: both are stopped after the test, and then the fake Slack forgets what it recorded.
 */
export function secsolTest(options: SecsolTestOptions = {}) {
  const { slackAcceptsAll, ...appOptions } = options;
  return base
    .extend('fake', { scope: 'file' }, fakeSlackForFile)
    .extend('app', { scope: 'file' }, async ({ fake }, { onCleanup }): Promise<TestApp> => {
      const app = await startApp(fake, appOptions);
      onCleanup(() => app.close());
      return app;
    })
    .extend('secsol', { scope: 'file' }, ({ app, fake }) => new Secsol(app, fake))
    .extend('started', { auto: true }, ({ fake }, { onCleanup }) => {
      const started = { apps: [] as TestApp[], processes: [] as SecsolProcess[] };
      // What the test started stops first, so that nothing it sends arrives after the reset.
      onCleanup(async () => {
        const ownApps = started.apps.length + started.processes.length > 0;
        try {
          for (const p of started.processes.splice(0)) {
            p.kill('SIGKILL');
            await p.exited;
          }
          for (const app of started.apps.splice(0)) await app.close();
          if (slackAcceptsAll) expect(fake.invalid).toEqual([]);
        } finally {
          if (ownApps) fake.reset();
        }
      });
      return started;
    })
    .extend('startSecsol', ({ fake, started }) => {
      return async (opts: StartOptions = {}): Promise<Secsol> => {
        const app = await startApp(fake, { ...appOptions, ...opts, env: { ...appOptions.env, ...opts.env } });
        started.apps.push(app);
        return new Secsol(app, fake);
      };
    })
    .extend('spawnSecsol', ({ started }) => {
      /** secsol as a child process built from dist/ (to kill it for real); SIGKILLed after the test. */
      return (...args: Parameters<typeof spawnSecsol>): SecsolProcess => {
        const p = spawnSecsol(...args);
        started.processes.push(p);
        return p;
      };
    });
}
