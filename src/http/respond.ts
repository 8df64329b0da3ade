import type { ServerResponse } from 'node:http';
import { AppError } from '../errors.js';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(payload);
}

/** The one error shape: `{ error, message, issues?, existingId? }`. Details of 5xx stay in the log. */
export function sendError(res: ServerResponse, err: AppError, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extraHeaders };
  if (err.extra.retryAfterSec !== undefined) headers['retry-after'] = String(err.extra.retryAfterSec);
  const body: Record<string, unknown> = { error: err.code, message: err.message };
  if (err.extra.issues) body.issues = err.extra.issues;
  if (err.extra.existingId !== undefined) body.existingId = err.extra.existingId;
  sendJson(res, err.status, body, headers);
}

export function internalError(res: ServerResponse) {
  sendJson(res, 500, { error: 'secsol_internal', message: 'internal error' });
}

export function unavailable(res: ServerResponse) {
  sendError(
    res,
    new AppError('secsol_unavailable', 'storage is unavailable, try again shortly', { retryAfterSec: 5 }),
  );
}
