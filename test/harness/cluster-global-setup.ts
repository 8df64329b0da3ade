/**
 * Once per cluster run (`npm run test:cluster`): each file starts its own Redis Cluster, so what must be
 * here is redis-server and redis-cli; and dist/, for the tests that run secsol as child processes.
 */
import { execFileSync } from 'node:child_process';
import { buildDist } from './global-setup.js';

export default async function setup(): Promise<void> {
  for (const binary of ['redis-server', 'redis-cli']) {
    try {
      execFileSync(binary, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`the cluster tests start their own Redis Cluster and need ${binary} on the PATH`);
    }
  }
  buildDist();
}
