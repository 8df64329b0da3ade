/**
 * Who is calling. Every failure answers the same 401 body (unknown, revoked and malformed tokens are
 * indistinguishable); a token used for another solution is a 403.
 *
 * Failures are throttled per client address, per presented credential (a misconfigured client retrying
 * one stale token) and per target API or solution (guessing from many addresses), and only failures are:
 * a valid credential is checked first and always passes, so clients that share an address with an
 * attacker (everyone behind one reverse proxy) are never locked out by someone else's failures.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';
import { hashesEqual, hashToken, secretsEqual } from '../services/tokens.js';
import type { GateRefusal } from '../storage/script-results.js';
import type { SolutionRepository } from '../storage/solution-repository.js';
import { clientAddress, type TrustedProxies } from './client-address.js';
import type { RateLimiter } from './rate-limiter.js';

export const UNAUTHORIZED_MESSAGE = 'missing or invalid credentials';
/** Failed authentications allowed per client address, and per presented credential, per minute. */
export const FAILED_AUTH_LIMIT = 30;
/** Failed authentications allowed per target (an API, or one solution) per minute, from all addresses. */
export const FAILED_AUTH_TARGET_LIMIT = 10 * FAILED_AUTH_LIMIT;

export function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{8,512})$/.exec(header.trim());
  return match?.[1] ?? null;
}

export class Authenticator {
  constructor(
    private readonly solutions: SolutionRepository,
    private readonly limiter: RateLimiter,
    private readonly now: () => number,
    private readonly proxies: TrustedProxies = null,
  ) {}

  /** Counts a failure against the address, the credential and the target; 429 once any is over. */
  private async fail(req: IncomingMessage, target: string, given: string | null): Promise<never> {
    const now = this.now();
    const credential = given === null ? 'none' : hashToken(given).slice(0, 16);
    await Promise.all([
      this.limiter.hit(`auth-fail:addr:${clientAddress(req, this.proxies)}`, FAILED_AUTH_LIMIT, now),
      this.limiter.hit(`auth-fail:cred:${credential}`, FAILED_AUTH_LIMIT, now),
      this.limiter.hit(`auth-fail:target:${target}`, FAILED_AUTH_TARGET_LIMIT, now),
    ]);
    throw new AppError('secsol_unauthorized', UNAUTHORIZED_MESSAGE);
  }

  /** A static secret (admin token or enrollment key); 404 when that API is switched off. */
  async requireSecret(req: IncomingMessage, secret: string | undefined, apiName: string): Promise<void> {
    if (!secret) throw new AppError('secsol_api_disabled', `the ${apiName} API is not enabled`);
    const given = bearer(req);
    if (given === null || !secretsEqual(given, secret)) await this.fail(req, apiName, given);
  }

  /**
   * The answer when an ingestion script's gate refused (the token check ran inside the write, storage/
   * lua/ingestHealth): a failure is counted as any other; another solution's token is told apart from an
   * invalid one by the full check; a token over its rate limit is a 429.
   */
  async refused(
    req: IncomingMessage,
    solutionId: string,
    token: string | null,
    refusal: GateRefusal,
  ): Promise<never> {
    if (refusal === 'unauthorized') return this.fail(req, `solution:${solutionId}`, token);
    if (refusal === 'other-solution') {
      await this.requireSolutionToken(req, solutionId);
      // The token was moved to this solution in between: ask the client to send again.
      throw new AppError('secsol_rate_limited', 'too many requests', { retryAfterSec: 1 });
    }
    throw new AppError('secsol_rate_limited', 'too many requests', {
      retryAfterSec: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)),
    });
  }

  /** A solution token, valid for `solutionId` only. Returns the token hash (the rate-limit subject). */
  async requireSolutionToken(req: IncomingMessage, solutionId: string): Promise<string> {
    const target = `solution:${solutionId}`;
    const token = bearer(req);
    if (token === null) return this.fail(req, target, null);
    const hash = hashToken(token);
    const found = await this.solutions.findByTokenHash(hash);
    if (!found || found.storedHash === null || !hashesEqual(found.storedHash, hash)) {
      return this.fail(req, target, token);
    }
    if (found.id !== solutionId) {
      throw new AppError('secsol_forbidden', 'this token belongs to another solution');
    }
    return hash;
  }
}
