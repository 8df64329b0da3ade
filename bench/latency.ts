/**
 * Detection latency: from a solution's deadline (the instant its silence makes it stale) to secsol's post
 * in Slack, at a fake Slack Web API on loopback, with N solutions tracked. The whole system runs (web and
 * worker, SECSOL_TICK_EVERY 1s); `timed` solutions, each with its own channel (no pacing between them),
 * reach their deadlines spread over two seconds while the others stay healthy.
 */

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Redis } from 'ioredis';
import { run } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { createLogger } from '../src/logger.js';
import { storageContext } from '../src/storage/context.js';
import { OutageLog } from '../src/storage/outage-log.js';
import { connect } from '../src/storage/redis.js';
import { seed } from './seed.js';
import { cleanupPrefix, pct, REDIS_URL } from './util.js';

const logger = createLogger('silent');
const TIMED = 50;

/** Answers every Web API call with ok; records when each chat.postMessage names a bench solution. */
async function fakeSlack(onPost: (solution: number, at: number) => void) {
  let seq = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString();
      const method = (req.url ?? '').split('/').pop() ?? '';
      const channel = /channel=([A-Z0-9]+)|"channel":"([A-Z0-9]+)"/.exec(body);
      if (method.startsWith('chat.postMessage')) {
        const m = /sol-(\d+)/.exec(decodeURIComponent(body));
        if (m) onPost(Number(m[1]), at);
      }
      seq++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: true,
          channel: channel?.[1] ?? channel?.[2] ?? 'C0BENCH',
          ts: `${Math.floor(at / 1000)}.${String(seq).padStart(6, '0')}`,
          messages: [],
          message: {},
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/`,
    close: () => server.close(),
  };
}

export async function latency(n: number): Promise<{ n: number; timed: number; p50: number; p99: number }> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const deadlines = new Map<number, number>();
  const seen = new Map<number, number>();
  const slack = await fakeSlack((j, at) => {
    if (deadlines.has(j) && !seen.has(j)) seen.set(j, at - (deadlines.get(j) as number));
  });
  const config = loadConfig({
    PORT: '0',
    SECSOL_KEY_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SLACK_API_URL: slack.url,
    SECSOL_ALERT_CHANNEL: 'C0BENCH',
    SECSOL_TICK_EVERY: '1s',
    LOG_LEVEL: 'silent',
    REDIS_URL,
  });
  // The bench runs against one server (REDIS_URL), never a cluster.
  const redis = connect({ kind: 'server', url: REDIS_URL }, 'default', new OutageLog(logger)) as Redis;
  const ctx = storageContext(redis, prefix);
  const policy = config.health;
  try {
    const now = Date.now();
    await seed(ctx, n, now, policy, n);
    // Reports could be received all along (no startup grace): the ingestion clock says so.
    await redis.set(ctx.keys.ingestUpSince, String(now - 86_400_000));
    await redis.set(ctx.keys.ingestHeartbeat, String(now));
    // Deadlines from 5 s after seeding (seeding 100,000 takes longer than that), spread over 2 s.
    const start = Date.now() + 5_000;
    const p = redis.pipeline();
    for (let k = 0; k < TIMED; k++) {
      // Multiples of 20: seeded healthy and not snoozed (seed.ts).
      const j = Math.floor((k * n) / TIMED / 20) * 20;
      const deadline = start + Math.floor((k * 2000) / TIMED);
      const last = deadline - policy.every - policy.grace - 1;
      deadlines.set(j, deadline);
      p.hset(ctx.keys.solution(`sol-${j}`), { lastHealthAt: String(last), lastObservedAt: String(last) });
      p.zadd(ctx.keys.deadlines, deadline, `sol-${j}`);
    }
    await p.exec();
    const app = await run(config, { web: true, worker: true, logger, print: () => {} });
    try {
      const until = start + 30_000;
      while (seen.size < deadlines.size && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await app.close();
    }
    const lat = [...seen.values()].sort((a, b) => a - b);
    return { n, timed: lat.length, p50: pct(lat, 0.5), p99: pct(lat, 0.99) };
  } finally {
    slack.close();
    await cleanupPrefix(redis, ctx.keys.prefix);
    redis.disconnect();
  }
}
