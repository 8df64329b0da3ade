/**
 * Coded errors. The HTTP error handler turns an AppError into its status and `{ error, message }`;
 * anything else is a 500 whose details stay in the log.
 */
export type ErrorCode =
  | 'secsol_invalid_request'
  | 'secsol_unsupported_media_type'
  | 'secsol_unauthorized'
  | 'secsol_forbidden'
  | 'secsol_not_found'
  | 'secsol_method_not_allowed'
  | 'secsol_conflict'
  | 'secsol_payload_too_large'
  | 'secsol_rate_limited'
  | 'secsol_enrollment_backlog'
  | 'secsol_unavailable'
  | 'secsol_api_disabled';

const STATUS: Record<ErrorCode, number> = {
  secsol_invalid_request: 400,
  secsol_unsupported_media_type: 415,
  secsol_unauthorized: 401,
  secsol_forbidden: 403,
  secsol_not_found: 404,
  secsol_method_not_allowed: 405,
  secsol_conflict: 409,
  secsol_payload_too_large: 413,
  secsol_rate_limited: 429,
  /** Too many enrollment requests wait for a decision: approvers must decide some first. */
  secsol_enrollment_backlog: 429,
  secsol_unavailable: 503,
  secsol_api_disabled: 404,
};

export interface Issue {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: Issue[]; retryAfterSec?: number; existingId?: string } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = STATUS[code];
  }
}
