/** Process entry: configuration, logger, signals. Exits non-zero with one clear message on bad config. */
import { run } from './app.js';
import { ConfigError, loadConfig, readEnvironment } from './config/config.js';
import { createLogger } from './logger.js';
import { isForkedWebProcess, superviseWebProcesses } from './web-processes.js';

export async function boot(role: { web: boolean; worker: boolean; name: string }): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // SECSOL_WEB_PROCESSES > 1: this process forks the web processes (web-processes.ts) and keeps only the
  // worker part, if any; each forked process is web only.
  const forked = isForkedWebProcess();
  const supervise = role.web && !forked && config.webProcesses > 1;
  const part = forked
    ? { web: true, worker: false, name: `${role.name}-web` }
    : supervise
      ? { web: false, worker: role.worker, name: role.name }
      : role;
  const logger = createLogger(config.logLevel, `secsol-${part.name}`, { pretty: config.slack.local });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandledRejection'));
  const stopWeb = supervise ? superviseWebProcesses(config.webProcesses, logger) : undefined;
  // Started a microtask later, once the signal handlers below are in place: until a handler exists, SIGTERM
  // has the operating system's default disposition and ends the process at once, mid-start.
  const starting = Promise.resolve().then(() =>
    part.web || part.worker
      ? run(config, { web: part.web, worker: part.worker, logger })
      : { close: async () => {} },
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      // A signal during start-up (the port may already answer) waits for the start, then closes what it
      // started: the handlers are in place before anything starts.
      const running = await starting;
      await Promise.all([running.close(), stopWeb?.()]);
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  try {
    await starting;
  } catch (err) {
    logger.fatal({ err }, 'secsol could not start');
    process.exit(1);
  }
}
