/**
 * The demo's SIEM: a local receiver of secsol's continuous export that verifies every request the way a
 * real receiver would (the `standardwebhooks` library, with the same `whsec_` secret) and prints what it got.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface DemoReceiver {
  url: string;
  secret: string;
  close(): Promise<void>;
}

export async function startDemoReceiver(print: (line: string) => void): Promise<DemoReceiver> {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const webhook = new Webhook(secret);
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let message: { type: string; solution: { id: string }; data: Record<string, unknown> };
      try {
        message = webhook.verify(body, req.headers as Record<string, string>) as typeof message;
      } catch {
        print('refused a request whose signature did not verify');
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      if (!seen.has(id)) {
        seen.add(id);
        const what =
          message.type === 'flip'
            ? `${String(message.data.from)} -> ${String(message.data.to)}`
            : `${String(message.data.severity)} "${String(message.data.title)}"`;
        print(`verified ${message.type} ${id} for ${message.solution.id}: ${what}`);
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/secsol`,
    secret,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
