/**
 * A local fake of Microsoft Entra sign-in (the `AZURE_AUTHORITY_HOST`), over HTTPS, with just what
 * `ClientSecretCredential` (MSAL underneath) uses when instance discovery is off: the tenant's OpenID
 * configuration, then the client-credentials grant on its `token_endpoint`. It issues random opaque tokens
 * and remembers them, so the fake ARM can accept, expire or revoke exactly those. A wrong secret gets
 * Entra's real answer: 401 `invalid_client`, AADSTS7000215.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestTls } from './tls.js';

export const ARM_SCOPE = 'https://management.azure.com/.default';

export interface FakeEntraOptions {
  tls: TestTls;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Lifetime of the tokens it issues. */
  expiresInSec?: number;
  /** Where the fake's own port comes from (0: any free one). */
  port?: number;
}

export interface EntraRequest {
  at: number;
  method: string;
  path: string;
  /** For token requests: what the grant asked for (never the secret). */
  grant?: { clientId: string; scope: string; grantType: string; secretOk: boolean };
  status: number;
}

export class FakeEntra {
  readonly requests: EntraRequest[] = [];
  /** token -> its expiry (ms since the epoch); a revoked token is removed. */
  private readonly tokens = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly opts: FakeEntraOptions,
  ) {}

  static async start(opts: FakeEntraOptions): Promise<FakeEntra> {
    let fake: FakeEntra | null = null;
    const server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
      fake?.handle(req, res).catch(() => res.writeHead(500).end());
    });
    server.listen(opts.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    fake = new FakeEntra(server, `https://127.0.0.1:${port}`, opts);
    return fake;
  }

  /** Token requests answered so far (granted or refused). */
  tokenRequests(): EntraRequest[] {
    return this.requests.filter((r) => r.grant !== undefined);
  }

  /** Tokens granted so far. */
  granted(): number {
    return this.tokenRequests().filter((r) => r.status === 200).length;
  }

  /** Whether ARM should accept this token: issued here, not revoked, not expired. */
  check(token: string): 'valid' | 'expired' | 'unknown' {
    const expiry = this.tokens.get(token);
    if (expiry === undefined) return 'unknown';
    return Date.now() < expiry ? 'valid' : 'expired';
  }

  /** Makes every token issued so far expired (as if an hour had passed): ARM refuses them with 401. */
  expireAll(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const { tenantId } = this.opts;
    const base = `${this.url}/${tenantId}`;
    const record: EntraRequest = {
      at: Date.now(),
      method: req.method ?? '',
      path: url.pathname,
      status: 404,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    };

    if (req.method === 'GET' && url.pathname === `/${tenantId}/v2.0/.well-known/openid-configuration`) {
      return send(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${this.url}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
        tenant_region_scope: null,
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      });
    }

    if (req.method === 'POST' && url.pathname === `/${tenantId}/oauth2/v2.0/token`) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const grant = {
        clientId: form.get('client_id') ?? '',
        scope: form.get('scope') ?? '',
        grantType: form.get('grant_type') ?? '',
        secretOk: form.get('client_secret') === this.opts.clientSecret,
      };
      record.grant = grant;
      const traceId = randomUUID();
      const refuse = (status: number, error: string, code: number, text: string) =>
        send(status, {
          error,
          error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
          error_codes: [code],
          timestamp: new Date().toISOString(),
          trace_id: traceId,
          correlation_id: randomUUID(),
        });
      if (grant.grantType !== 'client_credentials') {
        return refuse(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      }
      if (grant.clientId !== this.opts.clientId) {
        return refuse(
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${grant.clientId}' was not found in the directory.`,
        );
      }
      if (!grant.secretOk) {
        return refuse(
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${grant.clientId}'.`,
        );
      }
      if (!grant.scope.split(' ').includes(ARM_SCOPE)) {
        return refuse(
          400,
          'invalid_scope',
          1002012,
          `The provided value for scope ${grant.scope} is not valid.`,
        );
      }
      const expiresIn = this.opts.expiresInSec ?? 3599;
      const token = `fake-arm-token-${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, Date.now() + expiresIn * 1000);
      return send(200, {
        token_type: 'Bearer',
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: token,
      });
    }
    return send(404, {
      error: 'not_found',
      error_description: `the fake has no ${req.method} ${url.pathname}`,
    });
  }
}
