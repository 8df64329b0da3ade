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

export function createLogger(level: string, name = 'secsol'): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
