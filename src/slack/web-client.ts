/**
 * The Slack Web API client. BullMQ owns retries, so the client itself never retries and rejects a 429
 * at once (with its Retry-After) instead of pausing its whole queue.
 */
import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { Logger } from '../logger.js';

/**
 * The SDKs log raw payloads at debug level (the Socket Mode client logs every message, response URLs
 * included): scrub response URLs and tokens before they reach our log.
 */
export function scrub(text: string): string {
  return text
    .replace(/https:\/\/hooks\.slack\.com\/[^\s"'\\]+/g, '[response_url]')
    .replace(/\bxox[a-z]-[A-Za-z0-9-]+/g, '[token]')
    .replace(/\bxapp-[A-Za-z0-9-]+/g, '[token]');
}

export function slackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const line = (msg: unknown[]) => scrub(msg.map(String).join(' '));
  return {
    debug: (...msg) => logger.debug({ slack: true }, line(msg)),
    info: (...msg) => logger.info({ slack: true }, line(msg)),
    warn: (...msg) => logger.warn({ slack: true }, line(msg)),
    error: (...msg) => logger.error({ slack: true }, line(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export interface SlackTarget {
  token: string;
  apiUrl?: string;
  timeoutMs: number;
}

export function createWebClient(target: SlackTarget, logger: Logger): WebClient {
  return new WebClient(target.token, {
    slackApiUrl: target.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: target.timeoutMs,
    logger: slackLogger(logger),
  });
}

/** Slack errors that no retry will fix: record them, show them, stop. */
export const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
  'invalid_arguments',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

export type SlackFailure =
  | { kind: 'rate-limited'; retryAfterMs: number }
  | { kind: 'permanent'; error: string }
  | { kind: 'transient'; error: string };

export function classifySlackError(err: unknown): SlackFailure {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string }; message?: string };
  if (e?.code === 'slack_webapi_rate_limited_error') {
    return { kind: 'rate-limited', retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
  }
  if (e?.code === 'slack_webapi_platform_error') {
    const error = e.data?.error ?? 'unknown_error';
    if (error === 'ratelimited') return { kind: 'rate-limited', retryAfterMs: 1000 };
    return PERMANENT_SLACK_ERRORS.has(error) ? { kind: 'permanent', error } : { kind: 'transient', error };
  }
  return { kind: 'transient', error: e?.message ?? String(err) };
}
