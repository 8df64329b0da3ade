/** One structured logger for the whole process; secrets are redacted wherever they appear in log objects. */
import { type Logger, pino } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'response_url',
  '*.response_url',
  'signingSecret',
  '*.signingSecret',
  'botToken',
  '*.botToken',
];

/**
 * JSON lines by default (what log collectors read). `pretty` (local mode, a person at a terminal) sends
 * them through pino's own pino-pretty transport instead: one readable line each, beside the `[slack]` text.
 */
export function createLogger(level: string, name = 'secsol', opts: { pretty?: boolean } = {}): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  if (!opts.pretty) return pino(options);
  return pino({
    ...options,
    transport: {
      target: 'pino-pretty',
      options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', colorize: process.stdout.isTTY },
    },
  });
}
