/**
 * Ingestion side by side, in one run, with one load generator (wrk `-t2 -c32`, same duration):
 * - secsol: health reports through the real HTTP API (one web process, started as `npm start` would);
 * - Prometheus Alertmanager: `POST /api/v2/alerts`, one alert per request (when it is installed);
 * - the floor: a bare `node:http` server answering the same request, and the same server running one Lua
 *   script per request through ioredis (what one round trip per report can reach at best);
 * - Redis itself: `redis-benchmark`'s SET rate, 32 clients (its own load generator);
 * - batched events: 500 events per request, each request new events (no duplicates).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  type Child,
  cleanupPrefix,
  freePort,
  has,
  REDIS_URL,
  start,
  tmp,
  type WrkResult,
  waitForHttp,
  wrk,
} from './util.js';

const ADMIN = 'bA9xK3mQ7wE2rT5yU8iO4pL6';
const HEALTH_BODY = JSON.stringify({ status: 'healthy', message: 'ok' });
const here = new URL('.', import.meta.url).pathname;

export interface IngestResults {
  seconds: number;
  secsol: WrkResult;
  events: WrkResult & { eventsPerSec: number; batch: number };
  alertmanager: WrkResult | null;
  nodeFloor: WrkResult;
  nodeLuaFloor: WrkResult;
  redisSet: number | null;
}

async function startSecsol(prefix: string, extra: Record<string, string> = {}) {
  const port = await freePort();
  const child = start(process.execPath, [join(here, '../src/web-main.js')], {
    PORT: String(port),
    SECSOL_KEY_PREFIX: prefix,
    SECSOL_ADMIN_TOKEN: ADMIN,
    SECSOL_RATE_LIMIT: '1000000',
    LOG_LEVEL: 'warn',
    REDIS_URL,
    ...extra,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 30_000, child);
  return { child, url };
}

async function createSolution(url: string): Promise<{ id: string; token: string }> {
  const res = await fetch(`${url}/api/v1/solutions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Bench ${randomUUID().slice(0, 6)}`, vendor: 'Bench' }),
  });
  if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  return (await res.json()) as { id: string; token: string };
}

const FLOOR_SERVER = `
const http = require('node:http');
const lua = process.argv[2] === 'lua';
let redis;
if (lua) {
  const { Redis } = require(process.argv[3]);
  redis = new Redis(process.env.REDIS_URL, { enableAutoPipelining: true });
  redis.defineCommand('bench', { numberOfKeys: 2, lua: "redis.call('HSET', KEYS[1], 'last', ARGV[1]) redis.call('ZADD', KEYS[2], ARGV[1], 'x') return 1" });
}
const answer = JSON.stringify({ accepted: true, current: true });
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    if (raw.length > 0) JSON.parse(raw.toString());
    const send = () => { res.writeHead(202, { 'content-type': 'application/json' }); res.end(answer); };
    if (lua) redis.bench('{bench-floor}:h', '{bench-floor}:z', Date.now()).then(send); else send();
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

async function floor(kind: 'plain' | 'lua', seconds: number): Promise<WrkResult> {
  const dir = tmp('floor');
  writeFileSync(join(dir, 'server.cjs'), FLOOR_SERVER);
  const port = await freePort();
  const ioredis = join(here, '../../node_modules/ioredis/built/index.js');
  const child = start(process.execPath, [join(dir, 'server.cjs'), kind, ioredis], {
    PORT: String(port),
    REDIS_URL,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 10_000, child);
    return wrk(
      `http://127.0.0.1:${port}/`,
      { 'content-type': 'application/json' },
      `wrk.body = ${JSON.stringify(HEALTH_BODY)}`,
      { seconds },
    );
  } finally {
    await child.stop();
  }
}

async function alertmanager(seconds: number): Promise<WrkResult | null> {
  if (!has('prometheus-alertmanager')) return null;
  const dir = tmp('am');
  writeFileSync(
    join(dir, 'am.yml'),
    'route:\n  receiver: blackhole\n  group_wait: 1h\n  group_interval: 1h\nreceivers:\n  - name: blackhole\n',
  );
  const port = await freePort();
  const child: Child = start('prometheus-alertmanager', [
    `--config.file=${join(dir, 'am.yml')}`,
    `--storage.path=${dir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  try {
    await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 20_000, child);
    const body = JSON.stringify([
      {
        labels: { alertname: 'SolutionHealth', solution: 'bench-1', severity: 'info' },
        annotations: { message: 'ok' },
      },
    ]);
    return wrk(
      `http://127.0.0.1:${port}/api/v2/alerts`,
      { 'content-type': 'application/json' },
      `wrk.body = ${JSON.stringify(body)}`,
      { seconds },
    );
  } finally {
    await child.stop();
  }
}

function redisSet(): number | null {
  if (!has('redis-benchmark')) return null;
  const u = new URL(REDIS_URL);
  const out = execFileSync(
    'redis-benchmark',
    ['-h', u.hostname, '-p', u.port || '6379', '-t', 'set', '-n', '200000', '-c', '32', '-q'],
    { encoding: 'utf8' },
  );
  return Number(/SET: ([\d.]+) requests per second/.exec(out)?.[1]);
}

/** A wrk request() that sends `batch` new events per request (ids from a per-thread counter). */
function eventsLua(batch: number): string {
  return `
local n = 0
local tid = tostring(math.random(1, 1e9))
request = function()
  n = n + 1
  local parts = {}
  for i = 1, ${batch} do
    parts[i] = '{"id":"e-' .. tid .. '-' .. n .. '-' .. i .. '","severity":"low","title":"bench event ' .. i .. '"}'
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(parts, ',') .. ']}')
end`;
}

export async function ingest(seconds = 8): Promise<IngestResults> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  const { child, url } = await startSecsol(prefix);
  try {
    // Both solutions first: a keep-alive socket idle through a wrk round may be closed under fetch.
    const s = await createSolution(url);
    const e = await createSolution(url);
    const headers = { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' };
    // Warm up (JIT, script cache), then measure.
    wrk(`${url}/api/v1/solutions/${s.id}/health`, headers, `wrk.body = ${JSON.stringify(HEALTH_BODY)}`, {
      seconds: 2,
    });
    const secsol = wrk(
      `${url}/api/v1/solutions/${s.id}/health`,
      headers,
      `wrk.body = ${JSON.stringify(HEALTH_BODY)}`,
      { seconds },
    );
    const batch = 500;
    const ev = wrk(
      `${url}/api/v1/solutions/${e.id}/events`,
      { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' },
      eventsLua(batch),
      { seconds, connections: 8 },
    );
    await child.stop();
    const am = await alertmanager(seconds);
    const nodeFloor = await floor('plain', seconds);
    const nodeLuaFloor = await floor('lua', seconds);
    return {
      seconds,
      secsol,
      events: { ...ev, batch, eventsPerSec: ev.rps * batch },
      alertmanager: am,
      nodeFloor,
      nodeLuaFloor,
      redisSet: redisSet(),
    };
  } finally {
    await child.stop();
    await cleanupPrefix(redis, `{${prefix}}`);
    // redis-benchmark's SET writes the one key `key:__rand_int__` (no -r).
    await redis.del('{bench-floor}:h', '{bench-floor}:z', 'key:__rand_int__');
    redis.disconnect();
  }
}
