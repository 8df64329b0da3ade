import { defineConfig } from 'vitest/config';

// The memory soak (test/load/soak.soak.ts), kept out of `npm test` and `npm run load`: `npm run soak`. It
// runs on a redis-server of its own, so it needs no shared Redis and no build.
export default defineConfig({
  test: {
    include: ['test/load/**/*.soak.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
