/** How records stored as Redis hashes read their optional fields: an empty or absent field is undefined. */
import { z } from 'zod';

export const optNum = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
  .pipe(z.number().finite().optional());

export const optText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));
