/**
 * A local fake of Slack's Socket Mode WebSocket (Slack's Socket Mode protocol; docs/reliability.md rows 7 and 8), on `ws` at 127.0.0.1:0.
 *
 * Slack's side of the protocol as @slack/socket-mode expects it: `hello` once a client connects, then
 * envelopes `{envelope_id, type, payload, accepts_response_payload, retry_attempt?, retry_reason?}`; the client
 * answers each with `{envelope_id, payload?}`. `{"type":"disconnect","reason":…}` asks it to reconnect, which
 * it does through `apps.connections.open` on the fake Web API: `serveConnectionsOpen(fake)` scripts that.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlack } from './fake-slack.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface SocketAck {
  envelope_id: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON fields from what the app answered
  payload?: any;
  /** Which connection (`SocketConnection.id`) it came on. */
  connection: number;
  at: number;
}

export interface SocketConnection {
  id: number;
  /** The request path and query the client connected to. */
  path: string;
  openedAt: number;
  /** Set once the socket is closed, by either side. */
  closedAt?: number;
  closeCode?: number;
}

export interface SendOptions {
  /** Default: a fresh id. Reuse one to send a redelivery of the same envelope. */
  envelopeId?: string;
  retryAttempt?: number;
  retryReason?: string;
  /** Default: true for slash commands, false otherwise (what Slack sends). */
  acceptsResponsePayload?: boolean;
  /** Default: the newest open connection. */
  connection?: number;
}

/** How many `apps.connections.open` answers `serveConnectionsOpen` queues by default (reconnects included). */
export const CONNECTIONS_OPEN_ANSWERS = 20;

export class FakeSocketMode {
  /** The `url` to hand out from `apps.connections.open`. */
  readonly url: string;
  readonly connections: SocketConnection[] = [];
  private readonly frozen = new Set<WebSocket>();
  readonly acks: SocketAck[] = [];
  /** Every envelope sent, in order (redeliveries included). */
  readonly sent: Envelope[] = [];
  /** Client messages that were not acks (or not JSON), as received. */
  readonly unexpected: string[] = [];
  /** Send `hello` when a client connects; false leaves new connections waiting (a stalled handshake). */
  sendHello = true;

  private readonly sockets = new Map<number, WebSocket>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  private constructor(private readonly server: WebSocketServer) {
    const { port } = server.address() as AddressInfo;
    this.url = `ws://127.0.0.1:${port}/link`;
    server.on('connection', (socket, req) => this.accept(socket, req.url ?? '/'));
  }

  static async start(): Promise<FakeSocketMode> {
    const server = await new Promise<WebSocketServer>((resolve, reject) => {
      const s = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      s.once('listening', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    return new FakeSocketMode(server);
  }

  /**
   * Queues `count` successful `apps.connections.open` answers pointing here on the fake Web API (scripts are
   * consumed one per call, so this covers the first connection and the reconnects after it).
   */
  serveConnectionsOpen(fake: FakeSlack, count = CONNECTIONS_OPEN_ANSWERS): void {
    const answers = Array.from({ length: count }, () => ({ respond: () => ({ ok: true, url: this.url }) }));
    fake.script('apps.connections.open', ...answers);
  }

  /** Connections still open. */
  open(): SocketConnection[] {
    return this.connections.filter((c) => c.closedAt === undefined);
  }

  /** Sends an envelope and returns its id; see `request` to also wait for the ack. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts: SendOptions = {}): string {
    const socket = this.socketFor(opts.connection);
    const envelope: Envelope = {
      envelope_id: opts.envelopeId ?? randomUUID(),
      type,
      payload,
      accepts_response_payload: opts.acceptsResponsePayload ?? type === 'slash_commands',
    };
    if (type === 'events_api' || opts.retryAttempt !== undefined) {
      envelope.retry_attempt = opts.retryAttempt ?? 0;
      envelope.retry_reason = opts.retryReason ?? '';
    }
    this.sent.push(envelope);
    socket.send(JSON.stringify(envelope));
    return envelope.envelope_id;
  }

  /** Sends an envelope and resolves with its ack, or rejects if none arrives within `timeoutMs` (Slack: 3 s). */
  async request(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    opts: SendOptions & { timeoutMs?: number } = {},
  ): Promise<SocketAck> {
    const already = opts.envelopeId ? this.acksFor(opts.envelopeId).length : 0;
    const id = this.send(type, payload, opts);
    const acks = await this.waitForAck(id, { timeoutMs: opts.timeoutMs, count: already + 1 });
    return acks[acks.length - 1] as SocketAck;
  }

  acksFor(envelopeId: string): SocketAck[] {
    return this.acks.filter((a) => a.envelope_id === envelopeId);
  }

  /** Resolves with the acks of `envelopeId` once there are `count` (default 1); rejects after `timeoutMs`. */
  waitForAck(envelopeId: string, opts: { timeoutMs?: number; count?: number } = {}): Promise<SocketAck[]> {
    const count = opts.count ?? 1;
    const timeoutMs = opts.timeoutMs ?? 3000;
    return this.waitFor(
      () => {
        const acks = this.acksFor(envelopeId);
        return acks.length >= count ? acks : undefined;
      },
      timeoutMs,
      () => `no ack ${count > 1 ? `#${count} ` : ''}for envelope ${envelopeId} within ${timeoutMs} ms`,
    );
  }

  /** Resolves once `count` connections in all have completed the handshake (hello sent). */
  waitForConnections(count: number, timeoutMs = 10_000): Promise<SocketConnection[]> {
    return this.waitFor(
      () => (this.connections.length >= count ? this.connections : undefined),
      timeoutMs,
      () => `${this.connections.length} WebSocket connection(s), wanted ${count}, within ${timeoutMs} ms`,
    );
  }

  /** Resolves once no connection is open. */
  waitForNoneOpen(timeoutMs = 5000): Promise<true> {
    return this.waitFor(
      () => (this.open().length === 0 ? true : undefined),
      timeoutMs,
      () => `${this.open().length} WebSocket connection(s) still open after ${timeoutMs} ms`,
    );
  }

  /** Slack's request to reconnect (`refresh_requested` before a server recycles, `warning` shortly before). */
  disconnect(
    reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested',
    connection?: number,
  ) {
    const debug_info = { host: 'applink-fake' };
    this.socketFor(connection).send(JSON.stringify({ type: 'disconnect', reason, debug_info }));
  }

  /**
   * Silent death: the open connections stay up at the TCP level but Slack's side stops reading and
   * answering (no pong, no close), as when a load balancer or NAT drops the flow without a reset.
   */
  freeze(): void {
    for (const socket of this.sockets.values()) {
      socket.pause();
      this.frozen.add(socket);
    }
  }

  /** Slack's side reads again (and so notices that the client gave up on a frozen connection). */
  thaw(): void {
    for (const socket of this.frozen) socket.resume();
    this.frozen.clear();
  }

  /** Slack's side closes the newest connection with a close frame (1001: a server going away). */
  closeFromServer(code = 1001): void {
    this.socketFor().close(code, 'server going away');
  }

  /** An abrupt TCP close of every open connection, with no close frame. */
  terminate(): void {
    for (const socket of this.sockets.values()) socket.terminate();
  }

  async close(): Promise<void> {
    this.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const wake of this.waiters) wake();
  }

  private accept(socket: WebSocket, path: string): void {
    this.seq += 1;
    const conn: SocketConnection = { id: this.seq, path, openedAt: Date.now() };
    this.sockets.set(conn.id, socket);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        msg = undefined;
      }
      const envelopeId = (msg as { envelope_id?: unknown } | undefined)?.envelope_id;
      if (typeof envelopeId === 'string') {
        const payload = (msg as { payload?: unknown }).payload;
        this.acks.push({ envelope_id: envelopeId, payload, connection: conn.id, at: Date.now() });
      } else {
        this.unexpected.push(text);
      }
      this.notify();
    });
    socket.on('close', (code) => {
      conn.closedAt = Date.now();
      conn.closeCode = code;
      this.sockets.delete(conn.id);
      this.notify();
    });
    socket.on('error', () => {}); // a reset from the client is a close like any other here
    if (!this.sendHello) {
      this.connections.push(conn);
      this.notify();
      return;
    }
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open().length + 1,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0TEST' },
      }),
    );
    this.connections.push(conn);
    this.notify();
  }

  private socketFor(connection?: number): WebSocket {
    const id = connection ?? this.open().at(-1)?.id;
    const socket = id === undefined ? undefined : this.sockets.get(id);
    if (!socket)
      throw new Error(`fake Socket Mode: no open connection${connection ? ` #${connection}` : ''}`);
    return socket;
  }

  private notify(): void {
    for (const wake of this.waiters) wake();
  }

  private waitFor<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = (): boolean => {
        const value = check();
        if (value === undefined) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describe()));
      }, timeoutMs);
      const wake = () => void attempt();
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
      attempt();
    });
  }
}
