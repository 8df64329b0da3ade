/**
 * Several web processes on one port (SECSOL_WEB_PROCESSES > 1), with node:cluster: the primary process
 * forks N web processes that all listen on PORT (the primary hands connections out in turn) and runs the
 * worker part itself when the entry point has one (`npm start`). Web processes share nothing but Redis,
 * like separate web deployments do. A web process that dies is started again; SIGTERM/SIGINT stop all.
 */
import cluster from 'node:cluster';
import type { Logger } from './logger.js';

/** Forks the web processes and keeps them running; resolves with the function that stops them all. */
export function superviseWebProcesses(count: number, logger: Logger): () => Promise<void> {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'a web process exited; starting another');
    fork();
  });
  return async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };
}

/** True in a web process forked by superviseWebProcesses. */
export const isForkedWebProcess = (): boolean => cluster.isWorker;
