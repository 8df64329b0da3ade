/**
 * The signature is the Standard Webhooks one: the `standardwebhooks` library (what a receiver uses)
 * produces the same value and accepts our headers.
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signatureHeaders, signingKey } from '../../src/export/signature.js';

const SECRET = `whsec_${Buffer.from('a-test-signing-key-of-32-bytes!!').toString('base64')}`;
const BODY = JSON.stringify({ type: 'flip', id: 'msg_0123456789abcdef0123456789abcdef', data: { é: '✓' } });

describe('signatureHeaders', () => {
  it('matches what standardwebhooks signs for the same id, timestamp and body', () => {
    const headers = signatureHeaders(signingKey(SECRET), 'msg_1', 1_700_000_000, BODY);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['webhook-signature']).toBe(
      new Webhook(SECRET).sign('msg_1', new Date(1_700_000_000_000), BODY),
    );
  });

  it('is accepted by a receiver verifying with standardwebhooks', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = signatureHeaders(signingKey(SECRET), 'msg_2', now, BODY);
    expect(new Webhook(SECRET).verify(BODY, { ...headers })).toEqual(JSON.parse(BODY));
  });

  it('is refused for another body, another secret or a stale timestamp', () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = { ...signatureHeaders(signingKey(SECRET), 'msg_3', now, BODY) };
    expect(() => new Webhook(SECRET).verify(`${BODY} `, headers)).toThrow();
    const other = `whsec_${Buffer.from('another-signing-key-of-32-bytes!').toString('base64')}`;
    expect(() => new Webhook(other).verify(BODY, headers)).toThrow();
    const stale = { ...signatureHeaders(signingKey(SECRET), 'msg_3', now - 3600, BODY) };
    expect(() => new Webhook(SECRET).verify(BODY, stale)).toThrow();
  });
});

describe('signingKey', () => {
  it('decodes the base64 after whsec_ and refuses anything else', () => {
    expect(signingKey(SECRET).toString()).toBe('a-test-signing-key-of-32-bytes!!');
    expect(() => signingKey('not-a-whsec-secret')).toThrow();
  });
});
