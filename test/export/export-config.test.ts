/** The export variables: off by default, a whsec_ secret or nothing, timings with documented defaults. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { SECRET } from './receiver.js';

function problems(raw: Record<string, string>): string[] {
  try {
    loadConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('export configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({}).export).toBeUndefined();
  });

  it('is on with a URL and a whsec_ secret, with the documented default timings', () => {
    expect(
      loadConfig({ SECSOL_EXPORT_URL: 'https://siem.example/hook', SECSOL_EXPORT_SECRET: SECRET }).export,
    ).toEqual({
      url: 'https://siem.example/hook',
      secret: SECRET,
      timeoutMs: 10_000,
      backoffMs: 1000,
      retryForMs: 86_400_000,
    });
  });

  it('takes other timings', () => {
    const config = loadConfig({
      SECSOL_EXPORT_URL: 'http://10.0.0.5:8080/in',
      SECSOL_EXPORT_SECRET: SECRET,
      SECSOL_EXPORT_TIMEOUT: '2s',
      SECSOL_EXPORT_BACKOFF: '500ms',
      SECSOL_EXPORT_RETRY_FOR: '3d',
    });
    expect(config.export).toMatchObject({ timeoutMs: 2000, backoffMs: 500, retryForMs: 3 * 86_400_000 });
  });

  it.each([
    ['a plain password', 'correct horse battery staple'],
    ['a whsec_ value that is not base64', 'whsec_not*base64!'],
    ['a key under 24 bytes', `whsec_${Buffer.from('too short').toString('base64')}`],
  ])('refuses %s as the secret, without printing it', (_what, secret) => {
    const found = problems({ SECSOL_EXPORT_URL: 'https://siem.example/hook', SECSOL_EXPORT_SECRET: secret });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^SECSOL_EXPORT_SECRET: must be a Standard Webhooks secret: whsec_/);
    expect(found.join('\n')).not.toContain(secret);
  });

  it('refuses a URL that is not http(s), and one variable without the other', () => {
    expect(problems({ SECSOL_EXPORT_URL: 'ftp://siem.example/', SECSOL_EXPORT_SECRET: SECRET })[0]).toMatch(
      /^SECSOL_EXPORT_URL:/,
    );
    const withCredentials = problems({
      SECSOL_EXPORT_URL: 'https://user:pw@siem.example/hook',
      SECSOL_EXPORT_SECRET: SECRET,
    });
    expect(withCredentials).toEqual([
      'SECSOL_EXPORT_URL: must not carry credentials (user:password@) (got "https://[redacted]@siem.example/hook")',
    ]);
    expect(problems({ SECSOL_EXPORT_URL: 'https://siem.example/hook' })).toEqual([
      'SECSOL_EXPORT_SECRET: SECSOL_EXPORT_URL and SECSOL_EXPORT_SECRET go together',
    ]);
  });

  it('refuses a bad timing', () => {
    expect(
      problems({
        SECSOL_EXPORT_URL: 'https://siem.example/hook',
        SECSOL_EXPORT_SECRET: SECRET,
        SECSOL_EXPORT_TIMEOUT: 'soon',
      })[0],
    ).toMatch(/^SECSOL_EXPORT_TIMEOUT:/);
  });
});
