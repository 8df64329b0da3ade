/**
 * Who is calling. Every failure answers the same 401 body (unknown, revoked and malformed tokens are
 * indistinguishable); a token used for another solution is a 403. Repeated failures from one address
 * are rate limited.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';
import { hashesEqual, hashToken, secretsEqual } from '../services/tokens.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import type { RateLimiter } from './rate-limiter.js';

export const UNAUTHORIZED_MESSAGE = 'missing or invalid credentials';
/** Failed authentications allowed per client address per minute before 429. */
export const FAILED_AUTH_LIMIT = 30;

export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{8,512})$/.exec(header.trim());
  return match?.[1] ?? null;
}

export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export class Authenticator {
  constructor(
    private readonly solutions: SolutionRepository,
    private readonly limiter: RateLimiter,
    private readonly now: () => number,
  ) {}

  private async fail(req: IncomingMessage): Promise<never> {
    await this.limiter.hit(`auth-fail:${clientAddress(req)}`, FAILED_AUTH_LIMIT, this.now());
    throw new AppError('secsol_unauthorized', UNAUTHORIZED_MESSAGE);
  }

  /** Refuses early when this address has failed too often (no token lookup for it at all). */
  private async refuseIfBlocked(req: IncomingMessage): Promise<void> {
    const failures = await this.limiter.count(`auth-fail:${clientAddress(req)}`, this.now());
    if (failures >= FAILED_AUTH_LIMIT) await this.fail(req);
  }

  /** A static secret (admin token or enrollment key); 404 when that API is switched off. */
  async requireSecret(req: IncomingMessage, secret: string | undefined, apiName: string): Promise<void> {
    if (!secret) throw new AppError('secsol_api_disabled', `the ${apiName} API is not enabled`);
    await this.refuseIfBlocked(req);
    const given = bearer(req);
    if (given === null || !secretsEqual(given, secret)) await this.fail(req);
  }

  /** A solution token, valid for `solutionId` only. Returns the token hash (the rate-limit subject). */
  async requireSolutionToken(req: IncomingMessage, solutionId: string): Promise<string> {
    await this.refuseIfBlocked(req);
    const token = bearer(req);
    if (token === null) return this.fail(req);
    const hash = hashToken(token);
    const found = await this.solutions.findByTokenHash(hash);
    if (!found || found.storedHash === null || !hashesEqual(found.storedHash, hash)) return this.fail(req);
    if (found.id !== solutionId) {
      throw new AppError('secsol_forbidden', 'this token belongs to another solution');
    }
    return hash;
  }
}
