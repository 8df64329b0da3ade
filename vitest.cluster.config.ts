import { defineConfig } from 'vitest/config';

// The end-to-end and crash tests again on a Redis Cluster each file starts for itself
// (test/harness/redis-cluster.ts), kept out of `npm test`: `npm run test:cluster`.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.ts'],
    globalSetup: ['test/harness/cluster-global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default', './test/harness/summary-reporter.ts'],
  },
});
