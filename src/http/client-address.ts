/**
 * The address a request comes from. Behind a reverse proxy (the normal deployment: Slack requires HTTPS)
 * every request arrives from the proxy, so the client is named by `X-Forwarded-For`; but that header is
 * whatever the client wrote unless a proxy we trust set it. So it is read only when the socket's peer is
 * a trusted proxy, from the right: each hop a trusted proxy appended is skipped, and the first address not
 * in the trusted list is the client. A forged left part of the header is never reached.
 */
import type { IncomingMessage } from 'node:http';
import { type BlockList, isIP } from 'node:net';

import type { TrustedProxies } from '../config/trusted-proxies.js';

export type { TrustedProxies };

function trusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** IPv4 peers of a dual-stack socket appear as `::ffff:a.b.c.d`. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function clientAddress(req: IncomingMessage, proxies: TrustedProxies): string {
  const peer = plain(req.socket.remoteAddress ?? 'unknown');
  if (proxies === null || !trusted(proxies, peer)) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => plain(s.trim()))
    .filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) break; // garbage: keep the last address a trusted proxy vouched for
    client = hop;
    if (!trusted(proxies, hop)) break;
  }
  return client;
}
