import { defineConfig } from 'vitest/config';

// Tests share one machine's Redis and 2 cores: files run one at a time so that timing-sensitive
// end-to-end tests are not starved; each file still uses its own key prefix and queue names.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
