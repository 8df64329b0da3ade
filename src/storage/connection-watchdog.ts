/**
 * The reconnect watchdog: a Redis connection can die silently. A NAT or load balancer drops the flow, a VM
 * is paused, a network partition eats packets without a reset. TCP then says nothing for many minutes and
 * ioredis keeps waiting on a socket nobody answers: requests answer 503 and the worker stalls while Redis
 * itself is fine. As Socket Mode does with its ping and pong, each connection is asked a PING now and then;
 * one that gives no answer in time is dropped and ioredis connects again (it re-sends what was waiting, and
 * every write secsol makes is safe to repeat: compare-and-set scripts, idempotent outbox items).
 *
 * BullMQ guards its own blocking connections the same way (an overdue BZPOPMIN is abandoned and the
 * connection reset); this covers the others: the request path, the worker's reads and writes, and the
 * connection BullMQ shares for its non-blocking commands.
 */
import { Cluster, type Redis } from 'ioredis';
import type { Connection } from './redis.js';

export interface WatchdogOptions {
  /** How often each connection is asked. */
  everyMs: number;
  /** No answer within this long: the connection is dead. Longer than any command secsol sends takes. */
  deadAfterMs: number;
  /** Told once per dead connection, before it is dropped. */
  onDead: (name: string, silentMs: number) => void;
}

export const WATCHDOG_DEFAULTS = { everyMs: 2_000, deadAfterMs: 5_000 };

/** Starts watching `redis` (each node of a cluster); stops by itself when the connection ends for good. */
export function watchConnection(redis: Connection, name: string, options: WatchdogOptions): () => void {
  const probing = new WeakSet<Redis>();
  // When each connection last became ready: a PING sent on a socket that has since been replaced (Redis
  // restarted, ioredis reconnected) says nothing about the new one.
  const readyAt = new WeakMap<Redis, number>();
  const track = (server: Redis) => {
    if (readyAt.has(server)) return;
    readyAt.set(server, Date.now());
    server.on('ready', () => readyAt.set(server, Date.now()));
  };
  const probe = (server: Redis) => {
    track(server);
    if (server.status !== 'ready' || probing.has(server)) return;
    probing.add(server);
    const started = Date.now();
    let answered = false;
    const timer = setTimeout(() => {
      // The PING may never settle on a dead socket: the next probe must not wait for it.
      probing.delete(server);
      if (answered || server.status !== 'ready' || (readyAt.get(server) ?? 0) > started) return;
      options.onDead(name, Date.now() - started);
      // true: connect again at once. Commands waiting on the dead socket are re-sent on the new one.
      server.disconnect(true);
    }, options.deadAfterMs);
    timer.unref();
    server.ping().then(
      () => {
        answered = true;
        clearTimeout(timer);
        probing.delete(server);
      },
      // Only a reply proves the socket alive: a command timeout (the request connection's) is no answer,
      // and an error because the connection closed is ioredis' to handle. The timer decides.
      () => undefined,
    );
  };
  const tick = () => {
    const servers = redis instanceof Cluster ? redis.nodes('all') : [redis];
    for (const server of servers) probe(server);
  };
  const interval = setInterval(tick, options.everyMs);
  interval.unref();
  const stop = () => clearInterval(interval);
  redis.once('end', stop);
  return stop;
}
