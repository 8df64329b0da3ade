/** Where Redis is: `REDIS_URL`, or a Redis Cluster's seed nodes in `REDIS_CLUSTER_NODES`. */

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * One server by URL, or a Redis Cluster through its seed nodes (REDIS_CLUSTER_NODES; then REDIS_URL is
 * ignored). On a cluster every key and queue shares one hash tag, so all of secsol lives in one slot.
 */
export type RedisTarget =
  | { readonly kind: 'server'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: readonly HostPort[] };

/** `host:port` (a name, an IPv4 address or a bracketed IPv6 address); null when it is not one. */
function parseHostPort(text: string): HostPort | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  const host = m?.[1] ?? m?.[2];
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}

/** Parses `redis-a:6379, 10.0.0.2:6379, [fd00::1]:6379`; throws naming every entry that is not host:port. */
export function parseClusterNodes(text: string): HostPort[] {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('comma-separated host:port seed nodes of a Redis Cluster');
  const nodes: HostPort[] = [];
  const bad: string[] = [];
  for (const entry of entries) {
    const node = parseHostPort(entry);
    if (node) nodes.push(node);
    else bad.push(entry);
  }
  if (bad.length > 0) throw new Error(`not host:port seed nodes: ${bad.join(', ')}`);
  return nodes;
}
