/** The continuous export variables' values: where it POSTs, and the Standard Webhooks signing secret. */
import { z } from 'zod';

/** Where export POSTs: http(s), and no credentials in the URL (fetch refuses them; the signature authenticates). */
export const exportUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !/^[a-z]+:\/\/[^/@]*@/i.test(u), 'must not carry credentials (user:password@)');

/** A Standard Webhooks signing secret: `whsec_` + base64 of at least 24 random bytes. */
export const exportSecret = z
  .string()
  .refine(
    (v) => /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v.slice(6), 'base64').length >= 24,
    'must be a Standard Webhooks secret: whsec_ followed by base64 of at least 24 bytes',
  );
