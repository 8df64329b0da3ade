/**
 * Standard Webhooks signing (pure): `webhook-signature` is `v1,` + base64(HMAC-SHA256(key,
 * "{id}.{timestamp}.{body}")), the key being the base64 decoded after the secret's `whsec_` prefix.
 * Receivers verify it with any Standard Webhooks library (npm `standardwebhooks`, Svix); the tests do.
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The signing key of a `whsec_…` secret (configuration has checked its form). */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('an export secret starts with whsec_');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

export function signatureHeaders(
  key: Buffer,
  id: string,
  timestampSec: number,
  body: string,
): WebhookHeaders {
  const signature = createHmac('sha256', key).update(`${id}.${timestampSec}.${body}`).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSec),
    'webhook-signature': `v1,${signature}`,
  };
}
