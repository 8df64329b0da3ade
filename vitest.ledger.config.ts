import { defineConfig } from 'vitest/config';

// The ledger runs (test/ledger/): every fault kind in one run, and a corpus of hostile inputs, each
// counted and printed as one JSON line and a table for the record. Kept out of `npm test`: `npm run ledger`.
export default defineConfig({
  test: {
    include: ['test/ledger/**/*.ledger.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
