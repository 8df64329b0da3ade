/**
 * Configuration (docs/contract.md §7; every variable is in the README's table), parsed once at boot. No other
 * module reads `process.env`. A bad value stops the process with one message naming every wrong variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Severity } from '../domain/model.js';
import { type Env, envSchema, LOCAL_APP_ID } from './env-schema.js';
import type { RedisTarget } from './redis-target.js';
import { type RoutingConfig, routingConfig } from './routing-vars.js';

export { LOCAL_APP_ID } from './env-schema.js';

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly slack: {
    /** Local mode: no Slack credentials; Web API calls are logged instead of sent. */
    readonly local: boolean;
    readonly botToken?: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    /** When set, requests whose api_app_id names another app are refused. */
    readonly appId?: string;
    readonly apiUrl?: string;
    readonly timeoutMs: number;
  };
  readonly redis: RedisTarget;
  readonly port: number;
  /** Where the HTTP server listens: 127.0.0.1 in local mode unless HOST says otherwise; all interfaces else. */
  readonly host?: string;
  readonly keyPrefix: string;
  readonly alertChannel?: string;
  readonly approvalChannel?: string;
  readonly approvers: readonly string[];
  /** Who may snooze alerts: anyone, the approvers, or the members of these user groups. */
  readonly snoozers: 'anyone' | 'approvers' | readonly string[];
  readonly enrollmentKey?: string;
  readonly adminToken?: string;
  readonly health: {
    readonly every: number;
    readonly grace: number;
    readonly silenceWindow: number;
    readonly unhealthyThreshold: number;
  };
  readonly eventMinSeverity: Severity;
  /** Bytes of security events kept per solution (SECSOL_EVENT_BUDGET): the oldest go past it. */
  readonly eventBudget: number;
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
    /** Azure Resource Manager's base URL (https). */
    readonly resourceManagerUrl: string;
    /** Microsoft Entra sign-in host (https); instance discovery is off when it is not Microsoft's. */
    readonly authorityHost: string;
    /** How often Defender for Cloud is read. */
    readonly pollEvery: number;
    /** Timeout of one Azure request. */
    readonly timeoutMs: number;
    /** First backoff of the SDK's exponential retries (5xx) and of ours (timeouts). */
    readonly retryBackoffMs: number;
  };
  /** Escalation of unacknowledged incidents (routing-vars.ts). */
  readonly routing: RoutingConfig;
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
  /** Self-enrollment's bounds: accepted enrollments per minute (all web processes) and pending requests. */
  readonly enrollment: { readonly ratePerMinute: number; readonly maxPending: number };
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
  const parsed = envSchema.safeParse(raw);
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
      // Local mode's stand-in Slack (npm run slack) signs its requests as this app.
      appId: e.SLACK_APP_ID ?? (e.SLACK_BOT_TOKEN === undefined ? LOCAL_APP_ID : undefined),
      apiUrl: e.SLACK_API_URL,
      timeoutMs: e.SECSOL_SLACK_TIMEOUT,
    },
    redis: e.REDIS_CLUSTER_NODES
      ? { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES }
      : { kind: 'server', url: e.REDIS_URL },
    port: e.PORT,
    host: e.HOST ?? (e.SLACK_BOT_TOKEN === undefined ? '127.0.0.1' : undefined),
    keyPrefix: e.SECSOL_KEY_PREFIX,
    alertChannel: e.SECSOL_ALERT_CHANNEL,
    approvalChannel: e.SECSOL_APPROVAL_CHANNEL ?? e.SECSOL_ALERT_CHANNEL,
    approvers: e.SECSOL_APPROVERS,
    snoozers: e.SECSOL_SNOOZERS,
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
    eventBudget: e.SECSOL_EVENT_BUDGET,
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
            authorityHost: e.AZURE_AUTHORITY_HOST,
            pollEvery: e.SECSOL_AZURE_POLL_EVERY,
            timeoutMs: e.SECSOL_AZURE_TIMEOUT,
            retryBackoffMs: e.SECSOL_AZURE_RETRY_BACKOFF,
          }
        : undefined,
    routing: routingConfig(e),
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
    enrollment: { ratePerMinute: e.SECSOL_ENROLL_RATE, maxPending: e.SECSOL_ENROLL_MAX_PENDING },
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
