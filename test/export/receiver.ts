/**
 * A SIEM receiver for the export tests: node:http on 127.0.0.1, verifying every request with the
 * `standardwebhooks` library exactly as a real receiver would, answering as the test scripts it (errors,
 * 429 with Retry-After, no answer at all, being down), and recording what it saw.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedRequest {
  /** 1-based, in arrival order. */
  n: number;
  at: number;
  webhookId: string;
  timestamp: number;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read the body field by field.
  body: any;
  raw: string;
  /** The status answered; undefined while the request hangs (or was never answered). */
  status?: number;
}

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: string }
  /** Never answer (the sender's timeout, or a crash, ends it). */
  | { hang: true };

export type Script = (req: ReceivedRequest) => Answer;

export const SECRET = `whsec_${Buffer.from('export-test-secret-of-32-bytes!!').toString('base64')}`;

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests that failed verification: must stay empty. */
  readonly invalid: { error: string; headers: IncomingMessage['headers']; raw: string }[] = [];
  script: Script = () => ({ status: 200 });
  private server: Server;
  private hanging: ServerResponse[] = [];
  private readonly webhook = new Webhook(SECRET);

  private constructor(public port: number) {
    this.server = this.create();
  }

  static async start(): Promise<Receiver> {
    const r = new Receiver(0);
    await r.listen();
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/siem/ingest`;
  }

  /** Requests answered 2xx, in order. */
  delivered(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status !== undefined && r.status >= 200 && r.status < 300);
  }

  /** How many times each webhook-id was answered 2xx. */
  deliveredCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.delivered()) counts.set(r.webhookId, (counts.get(r.webhookId) ?? 0) + 1);
    return counts;
  }

  /** Stops listening (connections are refused) until `restart()`. */
  async stop(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    this.server = this.create();
    await this.listen();
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.stop();
  }

  private create(): Server {
    return createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  private async listen(): Promise<void> {
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    let body: unknown;
    try {
      body = this.webhook.verify(raw, headers);
    } catch (err) {
      this.invalid.push({ error: (err as Error).message, headers: req.headers, raw });
      res.writeHead(400).end('bad signature');
      return;
    }
    const received: ReceivedRequest = {
      n: this.requests.length + 1,
      at: Date.now(),
      webhookId: headers['webhook-id'],
      timestamp: Number(headers['webhook-timestamp']),
      body,
      raw,
    };
    this.requests.push(received);
    const answer = this.script(received);
    if ('hang' in answer) {
      this.hanging.push(res);
      return;
    }
    received.status = answer.status;
    res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  }
}
