/**
 * A local fake of Azure Resource Manager (the `AZURE_RESOURCE_MANAGER_URL`), over HTTPS, serving the four
 * Microsoft.Security lists the connector reads from Azure's published example responses
 * (`test/fixtures/azure/`). Lists are split into pages linked by `nextLink`; bearer tokens are checked
 * against the fake Entra that issued them (401 for an unknown or expired one, with ARM's error body).
 *
 * Faults are scripted per list, one response at a time (`failNext`), or for every request (`failAll`):
 * any status with headers (429 + Retry-After, 500, 503…) or `'hang'` (no answer, for timeouts).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FakeEntra } from './fake-entra.js';
import type { TestTls } from './tls.js';

export const LISTS = {
  securitySolutions: 'GetSecuritySolutionsSubscription_example.json',
  discoveredSecuritySolutions: 'GetDiscoveredSecuritySolutionsSubscription_example.json',
  externalSecuritySolutions: 'GetExternalSecuritySolutionsSubscription_example.json',
  alerts: 'GetAlertsSubscription_example.json',
} as const;
export type ListName = keyof typeof LISTS;

export const FIXTURES_DIR = resolve('test/fixtures/azure');

/** An item of a published example response, as JSON. */
// biome-ignore lint/suspicious/noExplicitAny: fixture items are free-form JSON that tests reshape.
export type ArmItem = Record<string, any>;

/** The `value` list of one published example response file. */
export function exampleItems(file: string, dir = FIXTURES_DIR): ArmItem[] {
  const parsed = JSON.parse(readFileSync(resolve(dir, file), 'utf8'));
  return parsed.responses['200'].body.value as ArmItem[];
}

export type Fault = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

export interface ArmRequest {
  at: number;
  list: ListName | null;
  page: number;
  apiVersion: string | null;
  status: number | 'hang';
}

export interface FakeArmOptions {
  tls: TestTls;
  subscriptionId: string;
  entra: FakeEntra;
  /** Items per page (the lists are cut into pages linked by nextLink). */
  pageSize?: number;
  /** Changes an item as it is served (e.g. moves a timestamp to "now"); the stored item is untouched. */
  serve?: (list: ListName, item: ArmItem) => ArmItem;
  port?: number;
}

export class FakeArm {
  readonly requests: ArmRequest[] = [];
  /** What each list holds now; tests add and remove items. */
  readonly items: Record<ListName, ArmItem[]>;
  pageSize: number;
  private readonly scripted = new Map<ListName, Fault[]>();
  private always: Fault | null = null;
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly opts: FakeArmOptions,
  ) {
    this.pageSize = opts.pageSize ?? 2;
    this.items = {
      securitySolutions: exampleItems(LISTS.securitySolutions),
      discoveredSecuritySolutions: exampleItems(LISTS.discoveredSecuritySolutions),
      externalSecuritySolutions: exampleItems(LISTS.externalSecuritySolutions),
      alerts: exampleItems(LISTS.alerts),
    };
  }

  static async start(opts: FakeArmOptions): Promise<FakeArm> {
    let fake: FakeArm | null = null;
    const server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => {
      fake?.handle(req, res);
    });
    server.listen(opts.port ?? 0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    fake = new FakeArm(server, `https://127.0.0.1:${port}`, opts);
    return fake;
  }

  /** The next request for `list` gets this answer instead of the page (queued, one per request). */
  failNext(list: ListName, ...faults: Fault[]): void {
    this.scripted.set(list, [...(this.scripted.get(list) ?? []), ...faults]);
  }

  /** Every request gets this answer until `failAll(null)`. */
  failAll(fault: Fault | null): void {
    this.always = fault;
  }

  /** Requests for one list (or all), in arrival order. */
  requestsFor(list?: ListName): ArmRequest[] {
    return list ? this.requests.filter((r) => r.list === list) : this.requests;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const prefix = `/subscriptions/${this.opts.subscriptionId}/providers/Microsoft.Security/`;
    const name = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
    const list =
      (Object.keys(LISTS) as ListName[]).find((l) => l.toLowerCase() === name.toLowerCase()) ?? null;
    const page = Number(url.searchParams.get('$skipToken') ?? '0');
    const record: ArmRequest = {
      at: Date.now(),
      list,
      page,
      apiVersion: url.searchParams.get('api-version'),
      status: 404,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ms-request-id': `fake-${this.requests.length}`,
          ...headers,
        })
        .end(body === undefined ? undefined : JSON.stringify(body));
    };

    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const tokenState = this.opts.entra.check(token);
    if (tokenState !== 'valid') {
      const [code, message] =
        tokenState === 'expired'
          ? [
              'ExpiredAuthenticationToken',
              'The access token expiry UTC time is earlier than current UTC time.',
            ]
          : ['InvalidAuthenticationToken', 'The access token is invalid.'];
      return send(
        401,
        { error: { code, message } },
        {
          'www-authenticate': `Bearer authorization_uri="${this.opts.entra.url}/common", error="invalid_token", error_description="${message}"`,
        },
      );
    }
    if (req.method !== 'GET' || list === null || !Number.isInteger(page) || page < 0) {
      return send(404, { error: { code: 'NotFound', message: `no ${req.method} ${url.pathname} here` } });
    }
    const fault = this.scripted.get(list)?.shift() ?? this.always;
    if (fault === 'hang') {
      record.status = 'hang';
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault)
      return send(
        fault.status,
        fault.body ?? { error: { code: 'Fault', message: 'scripted' } },
        fault.headers,
      );

    const all = this.items[list];
    const slice = all.slice(page * this.pageSize, (page + 1) * this.pageSize);
    const serve = this.opts.serve;
    const value = serve ? slice.map((item) => serve(list, structuredClone(item))) : slice;
    const more = (page + 1) * this.pageSize < all.length;
    const next = new URL(url);
    next.searchParams.set('$skipToken', String(page + 1));
    send(200, { value, ...(more ? { nextLink: next.toString() } : {}) });
  }
}
