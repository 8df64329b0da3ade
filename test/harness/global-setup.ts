/**
 * Once per test run: make sure Redis answers (the tests use the real one, never a mock) and build
 * dist/ for the tests that run secsol as child processes (to SIGKILL and SIGTERM them).
 */
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';

export default async function setup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(
      `the tests need a Redis server at ${url} (start one with redis-server): ${(err as Error).message}`,
    );
  } finally {
    redis.disconnect();
  }
  buildDist();
}

/** The real build (tsc, then each module's Lua scripts copied beside it), as the image runs it. */
export function buildDist(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
