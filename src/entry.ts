/** Process entry: configuration, logger, signals. Exits non-zero with one clear message on bad config. */
import { run } from './app.js';
import { ConfigError, loadConfig, readEnvironment } from './config/config.js';
import { createLogger } from './logger.js';

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
  const logger = createLogger(config.logLevel, `secsol-${role.name}`, { pretty: config.slack.local });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandledRejection'));
  let running: Awaited<ReturnType<typeof run>>;
  try {
    running = await run(config, { web: role.web, worker: role.worker, logger });
  } catch (err) {
    logger.fatal({ err }, 'secsol could not start');
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await running.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
