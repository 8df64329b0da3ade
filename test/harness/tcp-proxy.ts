/**
 * A TCP proxy in front of a server (Redis), for faults the server itself cannot make: `blackhole()` makes
 * every open connection die silently (nothing forwarded, nothing closed, no reset), as when a NAT or load
 * balancer drops a flow; connections opened afterwards work.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly holes = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      const upstream = tcpConnect(target.port, target.host);
      const pair: [Socket, Socket] = [client, upstream];
      proxy?.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      const done = () => {
        proxy?.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      for (const s of pair) {
        s.on('error', done);
        s.on('close', done);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** How many connections pass through now. */
  get open(): number {
    return this.pairs.size;
  }

  /** Every open connection stops forwarding in both directions and is never closed. */
  blackhole(): number {
    const n = this.pairs.size;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
      this.holes.add(client);
      this.holes.add(upstream);
    }
    this.pairs.clear();
    return n;
  }

  async close(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    for (const s of this.holes) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
