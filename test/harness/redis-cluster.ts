/**
 * A real Redis Cluster of a test run's own: three masters (no replicas) of `redis-server` on free loopback
 * ports in a temporary directory, joined with `redis-cli --cluster create`, stopped and removed after.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { ping } from './private-redis.js';
import { type RedisUnderTest, scanKeys } from './redis.js';
import { waitUntil } from './wait.js';

const run = promisify(execFile);

/** `n` distinct free loopback ports: all held open at once, so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      servers.push(server);
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    for (const s of servers) s.close();
  }
}

/** Reads one server's `CLUSTER INFO` field (e.g. cluster_state), or null when it does not answer. */
async function clusterInfo(port: number, field: string): Promise<string | null> {
  const redis = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    const info = await redis.cluster('INFO');
    return new RegExp(`^${field}:(\\S+)`, 'm').exec(info)?.[1] ?? null;
  } catch {
    return null;
  } finally {
    redis.disconnect();
  }
}

export class TestCluster {
  private readonly procs: ChildProcess[] = [];
  private readonly clients: Redis[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'secsol-cluster-'));

  private constructor(readonly ports: number[]) {}

  static async start(masters = 3): Promise<TestCluster> {
    // Each node has a client port and a cluster bus port; the bus port is given explicitly because the
    // default (port + 10000) may be taken or past 65535 for an ephemeral port.
    const ports = await freePorts(masters * 2);
    const cluster = new TestCluster(ports.slice(0, masters));
    try {
      await cluster.launch(ports.slice(masters));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** `host:port,…`: the value of REDIS_CLUSTER_NODES. */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  /**
   * secsol pointed at this cluster. REDIS_URL names a port where nothing listens: the contract says it is
   * ignored when REDIS_CLUSTER_NODES is set, and a secsol that used it would not start.
   */
  get target(): RedisUnderTest {
    return {
      env: { REDIS_CLUSTER_NODES: this.nodes, REDIS_URL: 'redis://127.0.0.1:1' },
      connect: () => this.connect(),
    };
  }

  connect(): Cluster {
    return new Cluster(
      this.ports.map((port) => ({ host: '127.0.0.1', port })),
      { scaleReads: 'master', redisOptions: { maxRetriesPerRequest: 3 } },
    );
  }

  /** A plain connection to one node (CONFIG SET and the like go to one server). */
  node(port: number): Redis {
    const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    this.clients.push(redis);
    return redis;
  }

  /** Sends a signal to every node (SIGSTOP freezes the whole cluster, SIGCONT thaws it). */
  signal(sig: NodeJS.Signals): void {
    for (const proc of this.procs) proc.kill(sig);
  }

  private async launch(busPorts: number[]): Promise<void> {
    this.ports.forEach((port, i) => {
      const proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--cluster-port',
          String(busPorts[i]),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '5000',
          '--dir',
          this.dir,
          '--appendonly',
          'no',
          '--save',
          '',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      this.procs.push(proc);
    });
    for (const port of this.ports) {
      await waitUntil(() => ping(port), { timeoutMs: 5000, message: `cluster node answers on ${port}` });
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...this.ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // Every node must have learned the whole slot map through the bus before clients use it.
    await waitUntil(
      async () =>
        (await Promise.all(this.ports.map((p) => clusterInfo(p, 'cluster_state')))).every((s) => s === 'ok'),
      { timeoutMs: 10_000, intervalMs: 100, message: 'cluster_state:ok on every node' },
    );
  }

  async stop(): Promise<void> {
    for (const client of this.clients.splice(0)) client.disconnect();
    await Promise.all(
      this.procs.map(async (proc) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        const exited = once(proc, 'exit');
        proc.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where the keys of a cluster live: every key, the slots they hash to, the masters holding them. */
export interface KeyPlacement {
  keys: string[];
  slots: number[];
  /** `host:port` of each master holding at least one key. */
  holders: string[];
  /** `host:port` of the master that owns each slot of `slots`. */
  owners: string[];
}

export async function keyPlacement(cluster: Cluster): Promise<KeyPlacement> {
  const keys: string[] = [];
  const holders: string[] = [];
  for (const node of cluster.nodes('master')) {
    const found = await scanKeys(node);
    keys.push(...found);
    if (found.length > 0) holders.push(`${node.options.host}:${node.options.port}`);
  }
  const slots = new Set<number>();
  for (const key of keys) slots.add(Number(await cluster.cluster('KEYSLOT', key)));
  // CLUSTER SLOTS: [[first, last, [host, port, id, info] of the master, ...its replicas], ...]
  const ranges = await cluster.cluster('SLOTS');
  const owners = [...slots].map((slot) => {
    const master = ranges.find(([first, last]) => slot >= first && slot <= last)?.[2];
    return master ? `${master[0]}:${master[1]}` : 'nobody';
  });
  return { keys, slots: [...slots], holders: holders.sort(), owners };
}
