import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig, readEnvironment } from '../../src/config/config.js';
import { LARGEST_EVENT_BYTES } from '../../src/config/env-schema.js';
import { API_BODY_LIMIT } from '../../src/http/body.js';

/** Calls loadConfig, which must throw a ConfigError, and returns that error. */
function configErrorOf(raw: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The variable each problem line names (the text before the first colon). */
function named(error: ConfigError): string[] {
  return error.problems.map((p) => p.split(':')[0] ?? '');
}

const SLACK_OK = {
  SLACK_BOT_TOKEN: 'xoxb-123-456-abc',
  SLACK_SIGNING_SECRET: 'signing-secret-value',
  SECSOL_ALERT_CHANNEL: 'C0123ABCD',
};

describe('loadConfig', () => {
  describe('when the environment is empty', () => {
    const config = loadConfig({});

    it('runs in local mode', () => {
      expect(config.slack.local).toBe(true);
      expect(config.slack.botToken).toBeUndefined();
      expect(config.alertChannel).toBeUndefined();
    });

    it('uses the documented defaults', () => {
      expect(config.port).toBe(3000);
      expect(config.redis).toEqual({ kind: 'server', url: 'redis://127.0.0.1:6379' });
      expect(config.health).toEqual({
        every: 3_600_000,
        grace: 15 * 60_000,
        silenceWindow: 14 * 86_400_000,
        unhealthyThreshold: 1,
      });
      expect(config.eventMinSeverity).toBe('high');
      expect(config.approvers).toEqual([]);
      expect(config.logLevel).toBe('info');
      expect(config.export).toBeUndefined();
      expect(config.azure).toBeUndefined();
      expect(config.enrollmentKey).toBeUndefined();
      expect(config.adminToken).toBeUndefined();
      expect(config.faults.size).toBe(0);
    });
  });

  describe('when durations and numbers are set', () => {
    const config = loadConfig({
      PORT: '8080',
      SECSOL_EXPECTED_EVERY: '90s',
      SECSOL_GRACE: '500ms',
      SECSOL_SILENCE_WINDOW: '7d',
      SECSOL_UNHEALTHY_THRESHOLD: '3',
      SECSOL_EVENT_MIN_SEVERITY: 'medium',
    });

    it('parses them to milliseconds and numbers', () => {
      expect(config.port).toBe(8080);
      expect(config.health).toEqual({
        every: 90_000,
        grace: 500,
        silenceWindow: 7 * 86_400_000,
        unhealthyThreshold: 3,
      });
      expect(config.eventMinSeverity).toBe('medium');
    });
  });

  describe('when Slack credentials and channels are set', () => {
    const config = loadConfig({ ...SLACK_OK, SECSOL_APPROVERS: ' U0123ABC, W0456DEF ,S0789GHI,' });

    it('leaves local mode', () => {
      expect(config.slack.local).toBe(false);
      expect(config.slack.botToken).toBe(SLACK_OK.SLACK_BOT_TOKEN);
      expect(config.slack.signingSecret).toBe(SLACK_OK.SLACK_SIGNING_SECRET);
    });

    it('uses the alert channel for approvals when no approval channel is set', () => {
      expect(config.alertChannel).toBe('C0123ABCD');
      expect(config.approvalChannel).toBe('C0123ABCD');
    });

    it('reads approvers as a trimmed list of user and user-group ids', () => {
      expect(config.approvers).toEqual(['U0123ABC', 'W0456DEF', 'S0789GHI']);
    });
  });

  describe('when several variables are wrong', () => {
    const raw = {
      PORT: 'abc',
      SECSOL_GRACE: 'soon',
      SECSOL_APPROVERS: 'U123,bob',
      SLACK_BOT_TOKEN: 'xoxb-1',
    };

    it('throws one ConfigError', () => {
      expect(() => loadConfig(raw)).toThrow(ConfigError);
    });

    it('names every wrong variable in its problems', () => {
      const error = configErrorOf(raw);
      expect(named(error)).toEqual(
        expect.arrayContaining([
          'PORT',
          'SECSOL_GRACE',
          'SECSOL_APPROVERS',
          'SLACK_SIGNING_SECRET',
          'SECSOL_ALERT_CHANNEL',
        ]),
      );
    });

    it('lists every problem in its message', () => {
      const error = configErrorOf(raw);
      for (const problem of error.problems) expect(error.message).toContain(problem);
      expect(error.message).toContain('bob');
      expect(error.name).toBe('ConfigError');
    });
  });

  describe('when one cross-field rule fails alongside a type error', () => {
    it('still reports the cross-field rule', () => {
      const error = configErrorOf({ PORT: 'abc', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'x' });
      expect(named(error)).toEqual(expect.arrayContaining(['PORT', 'SECSOL_ALERT_CHANNEL']));
    });
  });

  describe('when only cross-field rules fail', () => {
    it('names the bot token, signing secret and alert channel problems', () => {
      const error = configErrorOf({ SLACK_BOT_TOKEN: 'xoxb-1' });
      expect(named(error)).toEqual(expect.arrayContaining(['SLACK_SIGNING_SECRET', 'SECSOL_ALERT_CHANNEL']));
    });
  });

  describe('when the problem is about a secret-bearing variable', () => {
    const SECRET = 'sup3r-s3cret-signing-value-do-not-print';

    it('does not print the signing secret when the bot token is missing', () => {
      const error = configErrorOf({ SLACK_SIGNING_SECRET: SECRET, PORT: 'abc' });
      expect(named(error)).toContain('SLACK_BOT_TOKEN');
      expect(error.message).not.toContain(SECRET);
      expect(error.problems.join('\n')).not.toContain(SECRET);
    });

    it('does not print a malformed bot token', () => {
      const token = 'xoxp-9999-personal-token-do-not-print';
      const error = configErrorOf({ SLACK_BOT_TOKEN: token, SLACK_SIGNING_SECRET: SECRET });
      expect(named(error)).toContain('SLACK_BOT_TOKEN');
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain(SECRET);
    });

    it('refuses API keys that cannot authenticate, examples, weak ones and an admin token equal to the key', () => {
      const cases: Record<string, string> = {
        'a space inside': 'tA7qV3kZ9m R2wX5pL8nB4',
        'a non-ASCII letter': 'tA7qV3kZ9mR2wX5pL8nBé4',
        'a quote': 'tA7qV3kZ9mR2wX5pL8n"B4',
        "the README's old example": 'change-me-0123456789',
        'another old example': 'enroll-me-0123456789',
        'a placeholder': 'my-example-admin-token-here',
        'too few different characters': 'aaaaaaaabbbbbbbbcccccccc',
      };
      for (const [what, value] of Object.entries(cases)) {
        const error = configErrorOf({ SECSOL_ADMIN_TOKEN: value });
        expect(named(error), what).toEqual(['SECSOL_ADMIN_TOKEN']);
        expect(error.message, what).not.toContain(value);
      }
      const same = 'Zq8Lw3Nx6Rt1Vb5Kd9Hj2Fp4';
      const error = configErrorOf({ SECSOL_ADMIN_TOKEN: same, SECSOL_ENROLLMENT_KEY: same });
      expect(named(error)).toEqual(['SECSOL_ADMIN_TOKEN']);
      expect(error.message).toMatch(/must differ from SECSOL_ENROLLMENT_KEY/);
      expect(error.message).not.toContain(same);
    });

    it('accepts generated keys (openssl rand -hex 24, -base64 24)', () => {
      expect(() =>
        loadConfig({
          SECSOL_ADMIN_TOKEN: '3f9c1a7e5b2d8046c9e1f3a5b7d9e2c4a6b8d0f1e3c5a7b9',
          SECSOL_ENROLLMENT_KEY: 'q2Vx9/Lm+Kd3Rt8Wn1Hb5Zc7Fp0Jg4Ys',
        }),
      ).not.toThrow();
    });

    it('does not print short API keys', () => {
      const error = configErrorOf({ SECSOL_ADMIN_TOKEN: 'short-admin', SECSOL_ENROLLMENT_KEY: 'short-key' });
      expect(named(error)).toEqual(expect.arrayContaining(['SECSOL_ADMIN_TOKEN', 'SECSOL_ENROLLMENT_KEY']));
      expect(error.message).not.toContain('short-admin');
      expect(error.message).not.toContain('short-key');
    });

    it('does not print a password carried in an invalid REDIS_URL', () => {
      const error = configErrorOf({ REDIS_URL: 'redis://default:s3cr3t-redis-pass@redis host:6379' });
      expect(named(error)).toContain('REDIS_URL');
      expect(error.message).not.toContain('s3cr3t-redis-pass');
    });

    it('does not print the export secret when the export URL is missing', () => {
      const error = configErrorOf({ SECSOL_EXPORT_SECRET: SECRET });
      expect(named(error)).toContain('SECSOL_EXPORT_SECRET');
      expect(error.message).not.toContain(SECRET);
    });
  });

  describe('when values are invalid in other ways', () => {
    it.each([
      ['PORT', '70000'],
      ['PORT', '3000.5'],
      ['SECSOL_EXPECTED_EVERY', '0s'],
      ['SECSOL_SILENCE_WINDOW', '2w'],
      ['SECSOL_EVENT_MIN_SEVERITY', 'urgent'],
      ['SECSOL_ALERT_CHANNEL', '#alerts'],
      ['SECSOL_APPROVAL_CHANNEL', 'alerts'],
      ['SECSOL_UNHEALTHY_THRESHOLD', '0'],
      ['REDIS_URL', 'not a url'],
      ['LOG_LEVEL', 'loud'],
      ['NODE_ENV', 'staging'],
    ])('names %s=%s', (name, value) => {
      expect(named(configErrorOf({ [name]: value }))).toContain(name);
    });

    it('names each missing Azure credential', () => {
      const error = configErrorOf({ AZURE_SUBSCRIPTION_ID: 'sub', AZURE_TENANT_ID: 'tenant' });
      expect(named(error)).toEqual(expect.arrayContaining(['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']));
      expect(named(error)).not.toContain('AZURE_TENANT_ID');
    });

    it('names the missing Azure credentials whichever of the four is set, and never shows the secret', () => {
      const error = configErrorOf({ AZURE_CLIENT_SECRET: 'very-secret-value' });
      expect(named(error).sort()).toEqual(['AZURE_CLIENT_ID', 'AZURE_SUBSCRIPTION_ID', 'AZURE_TENANT_ID']);
      expect(error.message).not.toContain('very-secret-value');
    });

    it.each([
      ['AZURE_RESOURCE_MANAGER_URL', 'http://management.azure.com'],
      ['AZURE_AUTHORITY_HOST', 'http://login.microsoftonline.com'],
      ['AZURE_AUTHORITY_HOST', 'not a url'],
      ['SECSOL_AZURE_POLL_EVERY', 'often'],
    ])('refuses %s=%s (the SDK sends tokens only over https)', (name, value) => {
      expect(named(configErrorOf({ [name]: value }))).toContain(name);
    });
  });

  describe('when all four Azure credentials are set', () => {
    const azure = {
      AZURE_SUBSCRIPTION_ID: '20ff7fc3-e762-44dd-bd96-b71116dcdc23',
      AZURE_TENANT_ID: 'tenant',
      AZURE_CLIENT_ID: 'client',
      AZURE_CLIENT_SECRET: 'secret',
    };

    it('turns the connector on with the documented defaults', () => {
      expect(loadConfig(azure).azure).toEqual({
        subscriptionId: '20ff7fc3-e762-44dd-bd96-b71116dcdc23',
        tenantId: 'tenant',
        clientId: 'client',
        clientSecret: 'secret',
        resourceManagerUrl: 'https://management.azure.com',
        authorityHost: 'https://login.microsoftonline.com',
        pollEvery: 5 * 60_000,
        timeoutMs: 30_000,
        retryBackoffMs: 1000,
      });
    });

    it('takes other endpoints and intervals', () => {
      const config = loadConfig({
        ...azure,
        AZURE_RESOURCE_MANAGER_URL: 'https://127.0.0.1:8443/',
        AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9443',
        SECSOL_AZURE_POLL_EVERY: '2s',
      });
      expect(config.azure).toMatchObject({
        resourceManagerUrl: 'https://127.0.0.1:8443',
        authorityHost: 'https://127.0.0.1:9443',
        pollEvery: 2000,
      });
    });

    it('stays off without them', () => {
      expect(loadConfig({}).azure).toBeUndefined();
    });
  });

  describe('when REDIS_CLUSTER_NODES is set', () => {
    it('uses the cluster through its seed nodes and ignores REDIS_URL', () => {
      const config = loadConfig({
        REDIS_URL: 'redis://elsewhere:6379',
        REDIS_CLUSTER_NODES: ' redis-a:7000, 10.0.0.2:7001,[::1]:7002,, ',
      });
      expect(config.redis).toEqual({
        kind: 'cluster',
        nodes: [
          { host: 'redis-a', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: '::1', port: 7002 },
        ],
      });
    });

    it('is unset when empty', () => {
      expect(loadConfig({ REDIS_CLUSTER_NODES: ' ' }).redis.kind).toBe('server');
    });

    it.each(['redis-a', 'redis-a:0', 'redis-a:70000', 'redis://redis-a:7000', 'redis-a:7000/0', ','])(
      'names REDIS_CLUSTER_NODES=%s',
      (value) => {
        expect(named(configErrorOf({ REDIS_CLUSTER_NODES: value }))).toEqual(['REDIS_CLUSTER_NODES']);
      },
    );

    it('names every bad seed node with the other wrong variables in one message', () => {
      const error = configErrorOf({ REDIS_CLUSTER_NODES: 'a:7000,b,c:x', PORT: 'x' });
      expect(named(error).sort()).toEqual(['PORT', 'REDIS_CLUSTER_NODES']);
      expect(error.message).toContain('not host:port seed nodes: b, c:x');
    });
  });

  describe('when a numeric variable is present but empty', () => {
    it('falls back to its default like the other variables do', () => {
      expect(loadConfig({ PORT: '' }).port).toBe(3000);
    });
  });

  describe('SECSOL_EVENT_BUDGET', () => {
    it('defaults to 4 MiB and reads sizes in bytes, KiB, MiB and GiB', () => {
      expect(loadConfig({}).eventBudget).toBe(4 * 1024 * 1024);
      expect(loadConfig({ SECSOL_EVENT_BUDGET: '' }).eventBudget).toBe(4 * 1024 * 1024);
      expect(loadConfig({ SECSOL_EVENT_BUDGET: '512KiB' }).eventBudget).toBe(512 * 1024);
      expect(loadConfig({ SECSOL_EVENT_BUDGET: '16 MiB' }).eventBudget).toBe(16 * 1024 * 1024);
      expect(loadConfig({ SECSOL_EVENT_BUDGET: '1GiB' }).eventBudget).toBe(1024 ** 3);
      expect(loadConfig({ SECSOL_EVENT_BUDGET: '300000' }).eventBudget).toBe(300_000);
    });

    it('refuses a budget smaller than the largest event the API accepts, and what is not a size', () => {
      expect(loadConfig({ SECSOL_EVENT_BUDGET: `${LARGEST_EVENT_BYTES}` }).eventBudget).toBe(
        LARGEST_EVENT_BYTES,
      );
      expect(LARGEST_EVENT_BYTES).toBeGreaterThan(API_BODY_LIMIT);
      for (const bad of ['256KiB', `${LARGEST_EVENT_BYTES - 1}`, '4MB', '-1', 'lots']) {
        const error = configErrorOf({ SECSOL_EVENT_BUDGET: bad });
        expect(named(error)).toEqual(['SECSOL_EVENT_BUDGET']);
      }
      expect(configErrorOf({ SECSOL_EVENT_BUDGET: '1KiB' }).message).toContain('the largest event');
    });
  });

  describe('when SECSOL_FAULTS is set', () => {
    it('is honoured when NODE_ENV is test', () => {
      const config = loadConfig({ NODE_ENV: 'test', SECSOL_FAULTS: 'crash-after-post, slow-eval,,' });
      expect([...config.faults].sort()).toEqual(['crash-after-post', 'slow-eval']);
    });

    it.each(['production', 'development'])('is ignored when NODE_ENV is %s', (nodeEnv) => {
      const config = loadConfig({ NODE_ENV: nodeEnv, SECSOL_FAULTS: 'crash-after-post' });
      expect(config.faults.size).toBe(0);
    });

    it('is ignored when NODE_ENV is unset', () => {
      expect(loadConfig({ SECSOL_FAULTS: 'crash-after-post' }).faults.size).toBe(0);
    });
  });

  describe('the returned config', () => {
    const config: Config = loadConfig({ ...SLACK_OK, SECSOL_APPROVERS: 'U0123ABC' });

    it('is frozen', () => {
      expect(Object.isFrozen(config)).toBe(true);
      expect(() => {
        (config as { port: number }).port = 1;
      }).toThrow(TypeError);
      expect(config.port).toBe(3000);
    });

    it('is frozen all the way down', () => {
      expect(Object.isFrozen(config.slack)).toBe(true);
      expect(Object.isFrozen(config.health)).toBe(true);
      expect(Object.isFrozen(config.worker)).toBe(true);
      expect(Object.isFrozen(config.approvers)).toBe(true);
    });
  });
});

describe('readEnvironment', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'secsol-config-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a .env file is present', () => {
    it('reads its variables', () => {
      writeFileSync(
        join(dir, '.env'),
        'PORT=4000\n# a comment\nSECSOL_GRACE="5m"\nSECSOL_APPROVERS=U0123ABC\n',
      );
      const env = readEnvironment(dir, {});
      expect(env).toMatchObject({ PORT: '4000', SECSOL_GRACE: '5m', SECSOL_APPROVERS: 'U0123ABC' });
      expect(loadConfig(env).health.grace).toBe(5 * 60_000);
    });

    it('lets variables already in the environment win over the file', () => {
      writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=debug\n');
      const env = readEnvironment(dir, { PORT: '5000', OTHER: 'x' });
      expect(env).toMatchObject({ PORT: '5000', LOG_LEVEL: 'debug', OTHER: 'x' });
    });
  });

  describe('when there is no .env file', () => {
    it('returns the environment it was given', () => {
      expect(readEnvironment(dir, { PORT: '5000' })).toEqual({ PORT: '5000' });
    });

    it('drops variables whose value is undefined', () => {
      const env = readEnvironment(dir, { PORT: undefined, LOG_LEVEL: 'warn' });
      expect(env).toEqual({ LOG_LEVEL: 'warn' });
    });
  });
});

describe('HOST', () => {
  it('defaults to the loopback in local mode and to every interface with Slack credentials', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    const slack = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'secret-secret-secret',
      SECSOL_ALERT_CHANNEL: 'C0ALERTS',
    });
    expect(slack.host).toBeUndefined();
    expect(() => loadConfig({ HOST: 'example.com' })).toThrow(/HOST/);
  });
});
