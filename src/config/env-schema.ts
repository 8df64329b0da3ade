/**
 * The environment variables secsol reads, as one zod schema: each variable's type, default and rules, and
 * the rules between variables. config.ts turns the parsed values into the typed, frozen Config.
 */
import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { SEVERITIES } from '../domain/model.js';
import { API_BODY_LIMIT } from '../http/body.js';
import { exportSecret, exportUrl } from './export-vars.js';
import { parseClusterNodes } from './redis-target.js';
import { routingEnv } from './routing-vars.js';
import { secretProblem } from './secrets.js';
import { parseTrustedProxies } from './trusted-proxies.js';

/** The app id local mode's `npm run slack` puts in its payloads. */
export const LOCAL_APP_ID = 'A0LOCAL';

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

/** The Azure SDK sends bearer tokens only over TLS: an http:// endpoint could never work. */
const httpsUrl = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim().replace(/\/+$/, '')))
    .pipe(z.url({ protocol: /^https$/, error: 'must be an https:// URL' }));

const AZURE_CREDENTIALS = [
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
] as const;

const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel ID like C0123ABCD');
/** An integer variable; empty counts as unset (coercing '' would silently give 0). */
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.coerce.number<string>().int().min(min).max(max));

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/**
 * The largest event secsol stores from the API: one event filling a whole request body, plus the fields
 * secsol adds to it (id, solution id, receive time: well under 4 KiB).
 */
export const LARGEST_EVENT_BYTES = API_BODY_LIMIT + 4096;

/** A size in bytes: `4194304`, `512KiB`, `4MiB`, `1GiB`; empty counts as unset. */
const byteSize = (fallback: string, min: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v === undefined || v.trim() === '' ? fallback : v.trim();
      const m = /^(\d+)\s*(b|kib|mib|gib)?$/i.exec(text);
      const bytes = m ? Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toLowerCase()] ?? Number.NaN) : Number.NaN;
      if (!Number.isSafeInteger(bytes)) {
        ctx.addIssue({ code: 'custom', message: `"${text}" is not a size like 4MiB, 512KiB or 1048576` });
        return z.NEVER;
      }
      return bytes;
    })
    .pipe(z.number().min(min, `must be at least ${min} bytes (the largest event the API accepts)`));

const apiSecret = z.string().superRefine((v, ctx) => {
  const problem = secretProblem(v);
  // The message never quotes the value: it is a secret.
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
    SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must start with xoxb-').optional()),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must start with xapp-').optional()),
    // The app's id (Basic Information → App ID): payloads for another app are refused.
    SLACK_APP_ID: optionalText.pipe(
      z
        .string()
        .regex(/^A[A-Z0-9]{2,}$/, 'must be a Slack app id like A0123ABCD')
        .optional(),
    ),
    SLACK_API_URL: optionalText.pipe(z.url().optional()),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379').pipe(z.url()),
    REDIS_CLUSTER_NODES: optionalText.transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return parseClusterNodes(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
    PORT: int(3000, 0, 65535),
    // The address to listen on. Local mode (no Slack credentials, a signing secret on disk) defaults to
    // the loopback so that nobody else on the network can drive it.
    HOST: optionalText.pipe(z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).optional()),
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
    // Who may snooze alerts: anyone in the channel, the approvers, or the members of user groups (S…).
    SECSOL_SNOOZERS: optionalText.transform((v, ctx) => {
      const value = v ?? 'anyone';
      if (value === 'anyone' || value === 'approvers') return value;
      const groups = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (groups.length === 0 || groups.some((g) => !/^S[A-Z0-9]{2,}$/.test(g))) {
        ctx.addIssue({
          code: 'custom',
          message: 'anyone, approvers, or Slack user-group IDs (S…), comma-separated',
        });
        return z.NEVER;
      }
      return groups;
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
    ...routingEnv,
    AZURE_SUBSCRIPTION_ID: optionalText,
    AZURE_TENANT_ID: optionalText,
    AZURE_CLIENT_ID: optionalText,
    AZURE_CLIENT_SECRET: optionalText,
    AZURE_RESOURCE_MANAGER_URL: httpsUrl('https://management.azure.com'),
    AZURE_AUTHORITY_HOST: httpsUrl('https://login.microsoftonline.com'),
    SECSOL_AZURE_POLL_EVERY: duration('5m'),
    SECSOL_AZURE_TIMEOUT: duration('30s'),
    SECSOL_AZURE_RETRY_BACKOFF: duration('1s'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Operational knobs beyond the spec's table (documented in the README).
    SECSOL_KEY_PREFIX: z
      .string()
      .default('secsol')
      .pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')),
    SECSOL_TICK_EVERY: duration('1s'),
    SECSOL_RATE_LIMIT: int(600, 1, 1_000_000),
    // The bytes of security events kept per solution; the oldest are dropped past it. At least the largest
    // event, so that a new event always fits.
    SECSOL_EVENT_BUDGET: byteSize('4MiB', LARGEST_EVENT_BYTES),
    // Self-enrollment's bounds (issue 8 item 4): accepted enrollments per minute across the deployment, and
    // requests waiting for a decision; each posts an approval request that people must answer.
    SECSOL_ENROLL_RATE: int(10, 1, 100_000),
    SECSOL_ENROLL_MAX_PENDING: int(50, 1, 100_000),
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
      // The connector is on with all four credentials; some but not all is a half-done setup, said loudly.
      const azureSet = AZURE_CREDENTIALS.filter((name) => env[name] !== undefined);
      if (azureSet.length > 0 && azureSet.length < AZURE_CREDENTIALS.length) {
        for (const name of AZURE_CREDENTIALS) {
          if (env[name] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `required with ${azureSet.join(', ')} (the Defender for Cloud connector needs all four)`,
            });
          }
        }
      }
    },
    { when: () => true },
  );

export type Env = z.output<typeof envSchema>;
