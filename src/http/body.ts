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

type Shape = 'ok' | 'too-deep' | 'proto-key' | 'not-finite';

/**
 * Checks what JSON.parse accepts but the API must not: nesting past MAX_DEPTH; a `__proto__` key, which
 * zod and object spreads drop silently (the client would get a 202 for data that was never stored); a
 * number too large for a double (`1e400` parses as Infinity and would be stored as null).
 */
function shape(value: unknown, level = 0): Shape {
  if (typeof value === 'number') return Number.isFinite(value) ? 'ok' : 'not-finite';
  if (value === null || typeof value !== 'object') return 'ok';
  if (level >= MAX_DEPTH) return 'too-deep';
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return 'proto-key';
  for (const v of Object.values(value as Record<string, unknown>)) {
    const inner = shape(v, level + 1);
    if (inner !== 'ok') return inner;
  }
  return 'ok';
}

const SHAPE_MESSAGE: Record<Exclude<Shape, 'ok'>, string> = {
  'too-deep': `the body is nested more than ${MAX_DEPTH} levels deep`,
  'proto-key': 'the body has a "__proto__" key, which is not allowed',
  'not-finite': 'the body has a number too large to store',
};

/**
 * Parses a JSON request body: 415 unless it says JSON in UTF-8 (the only encoding JSON allows between
 * systems), 400 when it is not valid JSON or has a shape the API refuses.
 */
export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
  const [type, ...params] = (req.headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') {
    throw new AppError('secsol_unsupported_media_type', 'send the body as application/json');
  }
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError('secsol_unsupported_media_type', 'send the body as UTF-8 (charset=utf-8)');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('secsol_invalid_request', 'the body is not valid JSON');
  }
  const found = shape(value);
  if (found !== 'ok') throw new AppError('secsol_invalid_request', SHAPE_MESSAGE[found]);
  return value;
}
