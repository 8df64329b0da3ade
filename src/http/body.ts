/**
 * Request bodies, read with a hard limit on the bytes actually received (a lying Content-Length does
 * not help), and JSON parsed with a depth limit.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';

export const API_BODY_LIMIT = 256 * 1024;

export class BodyTooLarge extends AppError {
  constructor(limit: number) {
    super('secsol_payload_too_large', `request body is larger than ${limit} bytes`);
  }
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const MAX_DEPTH = 12;

function depth(value: unknown, level = 0): number {
  if (level > MAX_DEPTH) return level;
  if (value === null || typeof value !== 'object') return level;
  let max = level;
  for (const v of Object.values(value as Record<string, unknown>)) {
    max = Math.max(max, depth(v, level + 1));
    if (max > MAX_DEPTH) break;
  }
  return max;
}

/** Parses a JSON request body: 415 unless it says JSON, 400 when it is not valid or too deeply nested. */
export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new AppError('secsol_unsupported_media_type', 'send the body as application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('secsol_invalid_request', 'the body is not valid JSON');
  }
  if (depth(value) > MAX_DEPTH) {
    throw new AppError('secsol_invalid_request', `the body is nested more than ${MAX_DEPTH} levels deep`);
  }
  return value;
}
