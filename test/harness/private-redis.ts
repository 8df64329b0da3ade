/**
 * A redis-server of a test's own, on a free port, for faults the shared server must never see
 * (SIGSTOP, SIGKILL, restart from its append-only file).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './wait.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** True when something on `port` answers PING with PONG within 500 ms. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
  });
}

export class PrivateRedis {
  private proc: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'secsol-redis-'));

  private constructor(
    readonly port: number,
    private readonly persistent: boolean,
    private readonly extraArgs: string[],
  ) {}

  /** `persistent`: append-only file with fsync on every write, so a SIGKILL loses nothing. */
  static async start(opts: { persistent?: boolean; args?: string[] } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), opts.persistent ?? false, opts.args ?? []);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get process(): ChildProcess | null {
    return this.proc;
  }

  /** Starts (again) on the same port and directory: a persistent server reloads its data. */
  async restart(): Promise<void> {
    const aof = this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--dir',
        this.dir,
        ...aof,
        ...this.extraArgs,
      ],
      { stdio: 'ignore' },
    );
    await waitUntil(() => ping(this.port), {
      timeoutMs: 5000,
      message: `redis-server answers on ${this.port}`,
    });
  }

  signal(sig: NodeJS.Signals): void {
    this.proc?.kill(sig);
  }

  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
