/**
 * `npm run bench`: every benchmark in one invocation, side by side, printed as tables with their ratios and
 * written as JSON to bench-results.json. Each one alone: `npm run bench -- ingest`, `-- status`,
 * `-- evaluation`, `-- latency` (sizes after the name: `npm run bench -- status 10 1000`).
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { evaluation } from './evaluation.js';
import { ingest } from './ingest.js';
import { latency } from './latency.js';
import { statusAt } from './status.js';
import { fmt, has } from './util.js';

const args = process.argv.slice(2);
const names = ['ingest', 'status', 'evaluation', 'latency'];
const only = args.filter((a) => names.includes(a));
const sizes = args.map(Number).filter(Boolean);
const want = (name: string) => only.length === 0 || only.includes(name);
const results: Record<string, unknown> = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memGb: Math.round(totalmem() / 1e9),
    node: process.version,
  },
  at: new Date().toISOString(),
};
const ratio = (a: number, b: number | null | undefined) => (b ? `${(a / b).toFixed(2)}×` : '–');
const t0 = Date.now();

if (want('ingest') && !has('wrk')) {
  console.log(
    '\n## Ingestion\n\nSkipped: wrk is not installed (`apt-get install wrk prometheus-alertmanager`).',
  );
} else if (want('ingest')) {
  const r = await ingest(Number(process.env.BENCH_SECONDS ?? 8));
  results.ingest = r;
  const am = r.alertmanager;
  console.log(`\n## Ingestion (wrk -t2 -c32, ${r.seconds} s rounds, one process each, same machine)\n`);
  console.log('| target | req/s | p50 (ms) | p99 (ms) | non-2xx | secsol health ÷ this |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const row = (name: string, w: { rps: number; p50: number; p99: number; non2xx: number }) =>
    console.log(
      `| ${name} | ${fmt(w.rps)} | ${fmt(w.p50)} | ${fmt(w.p99)} | ${w.non2xx} | ${ratio(r.secsol.rps, w.rps)} |`,
    );
  row('secsol `POST /health`', r.secsol);
  if (am) row('Alertmanager `POST /api/v2/alerts` (1 alert)', am);
  else console.log('| Alertmanager | not installed (`apt-get install prometheus-alertmanager`) | | | | |');
  row('bare `node:http` (floor)', r.nodeFloor);
  row('`node:http` + one Lua script per request (ioredis)', r.nodeLuaFloor);
  if (r.redisSet)
    console.log(
      `| \`redis-benchmark\` SET, 32 clients | ${fmt(r.redisSet)} | | | | ${ratio(r.secsol.rps, r.redisSet)} |`,
    );
  console.log(
    `\nBatched events: ${fmt(r.events.eventsPerSec)} events/s (${r.events.batch} per request, ${fmt(r.events.rps)} req/s, p99 ${fmt(r.events.p99)} ms, non-2xx ${r.events.non2xx}; wrk -t2 -c8)`,
  );
}

if (want('status')) {
  const rows = [];
  for (const n of sizes.length ? sizes : [10, 1000, 10_000, 100_000]) rows.push(await statusAt(n));
  results.status = rows;
  console.log('\n## What people read (p50 / p95 of 20, ms)\n');
  console.log(
    '| solutions | /secsol status | App Home | admin list (first page) | admin list, one state | Redis bytes / solution | RSS (MB) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(
      `| ${r.n.toLocaleString('en')} | ${fmt(r.status.p50)} / ${fmt(r.status.p95)} | ${fmt(r.home.p50)} / ${fmt(r.home.p95)} | ${fmt(r.adminList.p50)} / ${fmt(r.adminList.p95)} | ${fmt(r.adminState.p50)} / ${fmt(r.adminState.p95)} | ${fmt(r.redisBytesPerSolution)} | ${fmt(r.rssMb)} |`,
    );
}

if (want('evaluation')) {
  const rows = [];
  for (const n of sizes.length ? sizes : [10, 1000, 100_000]) rows.push(await evaluation(n));
  results.evaluation = rows;
  console.log('\n## Evaluation\n');
  console.log(
    '| solutions | seed (ms) | tick, nothing due (ms, median) | tick, 100 due (ms) | full sweep (ms) | per solution (µs) | full scan + judge (ms) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(
      `| ${r.n.toLocaleString('en')} | ${fmt(r.seedMs)} | ${fmt(r.idle)} | ${fmt(r.dueMs)} | ${fmt(r.sweepMs)} (${r.flips.toLocaleString('en')} flips) | ${fmt((r.sweepMs * 1000) / r.n)} | ${fmt(r.listMs)} |`,
    );
}

if (want('latency')) {
  const rows = [];
  for (const n of sizes.length ? sizes : [1000, 100_000]) rows.push(await latency(n));
  results.latency = rows;
  console.log('\n## Detection latency (deadline → Slack post at the fake)\n');
  console.log('| solutions tracked | flips timed | p50 (ms) | p99 (ms) |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const r of rows)
    console.log(`| ${r.n.toLocaleString('en')} | ${r.timed} | ${fmt(r.p50)} | ${fmt(r.p99)} |`);
}

writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nAll in ${fmt((Date.now() - t0) / 1000)} s; JSON in bench-results.json.`);
process.exit(0);
