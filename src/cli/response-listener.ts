/**
 * The `response_url` of one exchange: a one-shot listener on 127.0.0.1 that collects what secsol posts
 * to it (delayed answers, replaced or deleted messages).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const RESPONSE_BODY_LIMIT = 1024 * 1024;

export interface ResponsePost {
  body: Record<string, unknown>;
}

export interface ResponseListener {
  url: string;
  posts: ResponsePost[];
  /** Resolves on the next post, or after `ms`. */
  next(ms: number): Promise<boolean>;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > RESPONSE_BODY_LIMIT) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function listenForResponses(): Promise<ResponseListener> {
  const path = `/response/${randomBytes(12).toString('hex')}`;
  const posts: ResponsePost[] = [];
  let wake: (() => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"ok":false,"error":"not_found"}');
      return;
    }
    readJson(req).then(
      (body) => {
        if (!body) {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end('{"ok":false,"error":"invalid_json"}');
          return;
        }
        posts.push({ body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        wake?.();
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    posts,
    next: (ms) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve(false);
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve(true);
        };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
