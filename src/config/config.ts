/**
 * Configuration (SPEC section 7), parsed once at boot. No other module reads `process.env`.
 * A bad value stops the process with one message naming every wrong variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { SEVERITIES, type Severity } from '../domain/model.js';
import { exportSecret, exportUrl } from './export-vars.js';
import { secretProblem } from './secrets.js';
import { parseTrustedProxies } from './trusted-proxies.js';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null || ms <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${text}" is not a duration like 500ms, 90s, 15m, 1h or 14d`,
        });
        return z.NEVER;
      }
      return ms;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel ID like C0123ABCD');
/** An integer variable; empty counts as unset (coercing '' would silently give 0). */
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.coerce.number<string>().int().min(min).max(max));

const apiSecret = z.string().superRefine((v, ctx) => {
  const problem = secretProblem(v);
  // The message never quotes the value: it is a secret.
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const schema = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
    SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must start with xapp-').optional()),
    SLACK_API_URL: optionalText.pipe(z.url().optional()),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379').pipe(z.url()),
    PORT: int(3000, 0, 65535),
    SECSOL_ALERT_CHANNEL: optionalText.pipe(channelId.optional()),
    SECSOL_APPROVAL_CHANNEL: optionalText.pipe(channelId.optional()),
    SECSOL_APPROVERS: optionalText.transform((v, ctx) => {
      const ids = (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = ids.filter((id) => !/^[UWS][A-Z0-9]{2,}$/.test(id));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `not Slack user (U…, W…) or user-group (S…) IDs: ${bad.join(', ')}`,
        });
        return z.NEVER;
      }
      return ids;
    }),
    SECSOL_ENROLLMENT_KEY: optionalText.pipe(apiSecret.optional()),
    SECSOL_ADMIN_TOKEN: optionalText.pipe(apiSecret.optional()),
    SECSOL_EXPECTED_EVERY: duration('1h'),
    SECSOL_GRACE: duration('15m'),
    SECSOL_SILENCE_WINDOW: duration('14d'),
    SECSOL_UNHEALTHY_THRESHOLD: int(1, 1, 100),
    SECSOL_EVENT_MIN_SEVERITY: z.enum(SEVERITIES).default('high'),
    SECSOL_EXPORT_URL: optionalText.pipe(exportUrl.optional()),
    SECSOL_EXPORT_SECRET: optionalText.pipe(exportSecret.optional()),
    SECSOL_EXPORT_TIMEOUT: duration('10s'),
    SECSOL_EXPORT_BACKOFF: duration('1s'),
    SECSOL_EXPORT_RETRY_FOR: duration('24h'),
    AZURE_SUBSCRIPTION_ID: optionalText,
    AZURE_TENANT_ID: optionalText,
    AZURE_CLIENT_ID: optionalText,
    AZURE_CLIENT_SECRET: optionalText,
    AZURE_RESOURCE_MANAGER_URL: z.string().default('https://management.azure.com').pipe(z.url()),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Operational knobs beyond the spec's table (documented in the README).
    SECSOL_KEY_PREFIX: z
      .string()
      .default('secsol')
      .pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')),
    SECSOL_TICK_EVERY: duration('1s'),
    SECSOL_RATE_LIMIT: int(600, 1, 1_000_000),
    SECSOL_DIGEST_THRESHOLD: int(5, 2, 10_000),
    SECSOL_DIGEST_WINDOW: duration('60s'),
    SECSOL_FLAP_WINDOW: duration('30m'),
    SECSOL_REMIND_EVERY: duration('4h'),
    SECSOL_ALERT_ATTEMPTS: int(10, 1, 100),
    SECSOL_ALERT_BACKOFF: duration('2s'),
    SECSOL_SLACK_TIMEOUT: duration('10s'),
    SECSOL_LOCK_DURATION: duration('30s'),
    SECSOL_STALLED_INTERVAL: duration('30s'),
    SECSOL_HEARTBEAT_STALE: duration('60s'),
    SECSOL_SHUTDOWN_BUDGET: duration('10s'),
    SECSOL_WORKER_CONCURRENCY: int(4, 1, 64),
    // Web processes sharing PORT (node:cluster); more than 1 only helps on a machine with more cores.
    SECSOL_WEB_PROCESSES: int(1, 1, 64),
    SECSOL_FAULTS: optionalText,
    // Where people and scripts reach this server; shown in the "Add data sources" instructions.
    SECSOL_PUBLIC_URL: optionalText.pipe(z.url().optional()),
    // Reverse proxies whose X-Forwarded-For names the client (CIDRs or addresses, comma-separated).
    SECSOL_TRUSTED_PROXIES: optionalText.transform((v, ctx) => {
      try {
        parseTrustedProxies(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
      return (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }),
  })
  // `when: () => true`: zod skips refinements once a field failed; we want every problem in one message.
  .superRefine(
    (env, ctx) => {
      const slackMode = env.SLACK_BOT_TOKEN !== undefined;
      if (slackMode && env.SLACK_SIGNING_SECRET === undefined && env.SLACK_APP_TOKEN === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['SLACK_SIGNING_SECRET'],
          message: 'required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)',
        });
      }
      if (!slackMode && (env.SLACK_SIGNING_SECRET !== undefined || env.SLACK_APP_TOKEN !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['SLACK_BOT_TOKEN'],
          message: 'required when other Slack credentials are set',
        });
      }
      if (slackMode && env.SECSOL_ALERT_CHANNEL === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['SECSOL_ALERT_CHANNEL'],
          message: 'required outside local mode',
        });
      }
      if (env.SECSOL_ADMIN_TOKEN !== undefined && env.SECSOL_ADMIN_TOKEN === env.SECSOL_ENROLLMENT_KEY) {
        // Anyone handed the enrollment key (every solution's installer) would be an admin.
        ctx.addIssue({
          code: 'custom',
          path: ['SECSOL_ADMIN_TOKEN'],
          message: 'must differ from SECSOL_ENROLLMENT_KEY',
        });
      }
      if ((env.SECSOL_EXPORT_URL === undefined) !== (env.SECSOL_EXPORT_SECRET === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['SECSOL_EXPORT_SECRET'],
          message: 'SECSOL_EXPORT_URL and SECSOL_EXPORT_SECRET go together',
        });
      }
      if (env.AZURE_SUBSCRIPTION_ID !== undefined) {
        for (const name of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const) {
          if (env[name] === undefined) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'required with AZURE_SUBSCRIPTION_ID' });
          }
        }
      }
    },
    { when: () => true },
  );

export type Env = z.output<typeof schema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly slack: {
    /** Local mode: no Slack credentials; Web API calls are logged instead of sent. */
    readonly local: boolean;
    readonly botToken?: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    readonly apiUrl?: string;
    readonly timeoutMs: number;
  };
  readonly redisUrl: string;
  readonly port: number;
  readonly keyPrefix: string;
  readonly alertChannel?: string;
  readonly approvalChannel?: string;
  readonly approvers: readonly string[];
  readonly enrollmentKey?: string;
  readonly adminToken?: string;
  readonly health: {
    readonly every: number;
    readonly grace: number;
    readonly silenceWindow: number;
    readonly unhealthyThreshold: number;
  };
  readonly eventMinSeverity: Severity;
  /** Continuous export to a SIEM (src/export/); durations in ms. */
  readonly export?: {
    readonly url: string;
    readonly secret: string;
    readonly timeoutMs: number;
    readonly backoffMs: number;
    readonly retryForMs: number;
  };
  readonly azure?: {
    readonly subscriptionId: string;
    readonly tenantId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly resourceManagerUrl: string;
  };
  readonly logLevel: Env['LOG_LEVEL'];
  readonly worker: {
    readonly tickEvery: number;
    readonly concurrency: number;
    readonly alertAttempts: number;
    readonly alertBackoff: number;
    readonly lockDuration: number;
    readonly stalledInterval: number;
    readonly heartbeatStale: number;
    readonly digestThreshold: number;
    readonly digestWindow: number;
    /** A solution that relapses within this long after recovering reopens its incident message. */
    readonly flapWindow: number;
    /** An open, unacknowledged, unsnoozed incident gets a reminder in its thread this often. */
    readonly remindEvery: number;
  };
  readonly rateLimitPerMinute: number;
  /** Web processes serving PORT together (node:cluster), SECSOL_WEB_PROCESSES. */
  readonly webProcesses: number;
  /** Reverse proxies (CIDRs) whose X-Forwarded-For header names the client address. */
  readonly trustedProxies: readonly string[];
  readonly shutdownBudget: number;
  /** Test-only fault hooks, honoured only when NODE_ENV=test. */
  readonly faults: ReadonlySet<string>;
  /** Base URL of this server as others reach it (SECSOL_PUBLIC_URL), without a trailing slash. */
  readonly publicUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`secsol cannot start, bad configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (when present) under the real environment: variables already set win. */
export function readEnvironment(
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const file = `${cwd}/.env`;
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...fromFile, ...env })) if (typeof v === 'string') merged[k] = v;
  return merged;
}

/** Hides the credentials part of a URL-looking value (redis://user:pass@host). */
function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/\s]*@/i, '$1[redacted]@');
}

/** Freezes the config and everything in it: nothing may change configuration after boot. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A set that refuses changes (Object.freeze does not stop Set#add). */
function frozenSet(items: string[]): ReadonlySet<string> {
  const set = new Set(items);
  const refuse = () => {
    throw new TypeError('configuration is read-only');
  };
  return Object.freeze(Object.assign(set, { add: refuse, delete: refuse, clear: refuse }));
}

export function loadConfig(raw: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = raw[name];
      const shown =
        value === undefined || /SECRET|TOKEN|KEY/.test(name) ? '' : ` (got "${redactUrl(value)}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  return deepFreeze({
    env: e.NODE_ENV,
    slack: {
      local: e.SLACK_BOT_TOKEN === undefined,
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      timeoutMs: e.SECSOL_SLACK_TIMEOUT,
    },
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    keyPrefix: e.SECSOL_KEY_PREFIX,
    alertChannel: e.SECSOL_ALERT_CHANNEL,
    approvalChannel: e.SECSOL_APPROVAL_CHANNEL ?? e.SECSOL_ALERT_CHANNEL,
    approvers: e.SECSOL_APPROVERS,
    trustedProxies: e.SECSOL_TRUSTED_PROXIES,
    enrollmentKey: e.SECSOL_ENROLLMENT_KEY,
    adminToken: e.SECSOL_ADMIN_TOKEN,
    health: {
      every: e.SECSOL_EXPECTED_EVERY,
      grace: e.SECSOL_GRACE,
      silenceWindow: e.SECSOL_SILENCE_WINDOW,
      unhealthyThreshold: e.SECSOL_UNHEALTHY_THRESHOLD,
    },
    eventMinSeverity: e.SECSOL_EVENT_MIN_SEVERITY,
    export:
      e.SECSOL_EXPORT_URL && e.SECSOL_EXPORT_SECRET
        ? {
            url: e.SECSOL_EXPORT_URL,
            secret: e.SECSOL_EXPORT_SECRET,
            timeoutMs: e.SECSOL_EXPORT_TIMEOUT,
            backoffMs: e.SECSOL_EXPORT_BACKOFF,
            retryForMs: e.SECSOL_EXPORT_RETRY_FOR,
          }
        : undefined,
    azure:
      e.AZURE_SUBSCRIPTION_ID && e.AZURE_TENANT_ID && e.AZURE_CLIENT_ID && e.AZURE_CLIENT_SECRET
        ? {
            subscriptionId: e.AZURE_SUBSCRIPTION_ID,
            tenantId: e.AZURE_TENANT_ID,
            clientId: e.AZURE_CLIENT_ID,
            clientSecret: e.AZURE_CLIENT_SECRET,
            resourceManagerUrl: e.AZURE_RESOURCE_MANAGER_URL,
          }
        : undefined,
    logLevel: e.LOG_LEVEL,
    worker: {
      tickEvery: e.SECSOL_TICK_EVERY,
      concurrency: e.SECSOL_WORKER_CONCURRENCY,
      alertAttempts: e.SECSOL_ALERT_ATTEMPTS,
      alertBackoff: e.SECSOL_ALERT_BACKOFF,
      lockDuration: e.SECSOL_LOCK_DURATION,
      stalledInterval: e.SECSOL_STALLED_INTERVAL,
      heartbeatStale: e.SECSOL_HEARTBEAT_STALE,
      digestThreshold: e.SECSOL_DIGEST_THRESHOLD,
      digestWindow: e.SECSOL_DIGEST_WINDOW,
      flapWindow: e.SECSOL_FLAP_WINDOW,
      remindEvery: e.SECSOL_REMIND_EVERY,
    },
    rateLimitPerMinute: e.SECSOL_RATE_LIMIT,
    webProcesses: e.SECSOL_WEB_PROCESSES,
    shutdownBudget: e.SECSOL_SHUTDOWN_BUDGET,
    faults: frozenSet(
      e.NODE_ENV === 'test' && e.SECSOL_FAULTS
        ? e.SECSOL_FAULTS.split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
    publicUrl: (e.SECSOL_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
  });
}
