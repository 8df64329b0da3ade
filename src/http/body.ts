/**
 * Request bodies, read with a hard limit on the bytes actually received (a lying Content-Length does
 * not help), and JSON parsed with a depth limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors.js';

export const API_BODY_LIMIT = 256 * 1024;

export class BodyTooLarge extends AppError {
  constructor(limit: number) {
    super('secsol_payload_too_large', `request body is larger than ${limit} bytes`);
  }
}

/**
 * The body, counted on the bytes received (a lying Content-Length does not help). Past the limit it
 * stops buffering and drops whatever else arrives.
 */
export function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let size = Number.isFinite(declared) && declared > limit ? declared : 0;
    const chunks: Buffer[] = [];
    if (size > limit) resolve('too_large');
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        resolve('too_large');
      } else chunks.push(chunk);
    });
    // Later calls are no-ops: 'close' also follows a normal end.
    req.once('end', () => resolve(size > limit ? 'too_large' : Buffer.concat(chunks)));
    req.once('error', () => resolve('aborted'));
    req.once('close', () => resolve('aborted'));
  });
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const body = await readLimited(req, limit);
  if (body === 'too_large') throw new BodyTooLarge(limit);
  if (body === 'aborted') throw new AppError('secsol_invalid_request', 'the request body was cut short');
  return body;
}

/** How long a client that keeps sending past the limit may go on before its connection is cut. */
const LINGER_MS = 1000;

/**
 * 413 without a connection reset. Closing a socket that still has unread input resets it, and a client
 * still sending would lose the answer. So the complete answer goes out at once, the rest of the body is
 * read and dropped, and the response is only ended once the body is over; a client that keeps sending is
 * cut off after a second.
 */
export function sendTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  body = '',
  contentType?: string,
): void {
  const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)) };
  if (contentType) headers['content-type'] = contentType;
  res.writeHead(413, headers);
  if (req.complete) {
    res.end(body);
    return;
  }
  res.write(body);
  const socket = req.socket;
  const cut = setTimeout(() => {
    res.end();
    socket.destroy();
  }, LINGER_MS).unref();
  req.resume();
  req.once('end', () => {
    clearTimeout(cut);
    res.end();
  });
  socket.once('close', () => clearTimeout(cut));
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
