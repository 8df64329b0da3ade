/**
 * secsol as real processes: several workers against one Redis alert each flip exactly once; SIGTERM
 * shuts down cleanly; workers that crash-loop leave one tick scheduler; bad configuration stops the process with one message naming every wrong variable.
 */
import { Queue } from 'bullmq';
import { describe, expect } from 'vitest';
import { ALERT_CHANNEL, testEnv } from '../harness/app.js';
import { secsolTest } from '../harness/fixtures.js';
import { freePort } from '../harness/private-redis.js';
import { cleanupPrefix, testPrefix, testRedis } from '../harness/redis.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest({ worker: false });

describe('when three workers share one Redis', () => {
  it('alerts every flip exactly once', async ({ fake, startSecsol, spawnSecsol }) => {
    const extra = { SECSOL_EXPECTED_EVERY: '1m', SECSOL_DIGEST_THRESHOLD: '50' };
    const secsol = await startSecsol({ env: extra });
    const { app } = secsol;
    for (let i = 0; i < 3; i++) spawnSecsol('worker-main', testEnv(fake, app.prefix, extra));
    const solutions = await Promise.all(
      Array.from({ length: 8 }, (_, i) => secsol.createSolution(`Multi ${i}`)),
    );
    await Promise.all(solutions.map((s) => secsol.startIncident(s)));
    await waitUntil(
      async () => {
        const details = await Promise.all(solutions.map((s) => secsol.solution(s.id)));
        return details.every((d) => d.flips[0]?.delivery === 'sent');
      },
      { timeoutMs: 20_000 },
    );
    const ids = fake
      .messages(ALERT_CHANNEL)
      .filter((m) => !m.thread_ts)
      .map((m) => m.metadata?.event_payload.delivery_id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids).size).toBe(8);
    // Three workers upserted the same tick scheduler: there is one.
    const evaluate = new Queue('evaluate', { connection: app.ctx.redis, prefix: app.ctx.keys.bullPrefix });
    expect(await evaluate.getJobSchedulers()).toHaveLength(1);
    await evaluate.close();
  });
});

describe('when workers crash-loop', () => {
  it('keeps one tick scheduler and one next tick, and the worker that stays alerts once', async ({
    fake,
    startSecsol,
    spawnSecsol,
  }) => {
    const extra = { SECSOL_EXPECTED_EVERY: '1m', LOG_LEVEL: 'info' };
    const secsol = await startSecsol({ env: extra });
    const { app } = secsol;
    const env = testEnv(fake, app.prefix, extra);
    // Six workers killed at different points of their start: before, while and after each upserts the
    // scheduler (some while another's tick runs), as a crash-looping deployment would.
    for (let i = 0; i < 6; i++) {
      const worker = spawnSecsol('worker-main', env);
      if (i % 2 === 1) {
        await waitUntil(() => worker.output().includes('worker started'), { timeoutMs: 15_000 });
      } else {
        await waitUntil(() => worker.output().includes('"msg"'), { timeoutMs: 15_000, intervalMs: 10 });
      }
      worker.kill('SIGKILL');
      await worker.exited;
    }
    const survivor = spawnSecsol('worker-main', env);
    await waitUntil(() => survivor.output().includes('worker started'), { timeoutMs: 15_000 });

    const evaluate = new Queue('evaluate', { connection: app.ctx.redis, prefix: app.ctx.keys.bullPrefix });
    try {
      expect(await evaluate.getJobSchedulers()).toHaveLength(1);
      // Ticks go on, and never pile up: at most one waits to run next.
      const beat = () => app.ctx.redis.get(app.ctx.keys.heartbeat);
      for (let n = 0; n < 3; n++) {
        const before = await beat();
        await waitUntil(async () => (await beat()) !== before, { timeoutMs: 5000 });
        const waiting = await evaluate.getJobs(['delayed', 'wait', 'prioritized']);
        expect(waiting.filter((j) => j.name === 'tick').length).toBeLessThanOrEqual(1);
      }
    } finally {
      await evaluate.close();
    }
    const solution = await secsol.createSolution('Crash Loop Scanner');
    await secsol.startIncident(solution);
    await waitUntil(async () => (await secsol.solution(solution.id)).flips[0]?.delivery === 'sent', {
      timeoutMs: 15_000,
    });
    expect(
      fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts && /Crash Loop/.test(m.text ?? '')),
    ).toHaveLength(1);
  });
});

describe('when evaluation stops', () => {
  it('fails readiness, and says so in the alert channel once a worker is back', async ({
    fake,
    startSecsol,
    spawnSecsol,
  }) => {
    const extra = { SECSOL_HEARTBEAT_STALE: '2s' };
    const { app } = await startSecsol({ env: extra });
    const env = testEnv(fake, app.prefix, extra);
    const first = spawnSecsol('worker-main', env);
    const ready = async () => (await fetch(`${app.url}/readyz`)).status;
    await waitUntil(async () => (await ready()) === 200, { timeoutMs: 10_000 });

    first.kill('SIGKILL');
    await first.exited;
    await waitUntil(async () => (await ready()) === 503, { timeoutMs: 5000 });
    const body = await (await fetch(`${app.url}/readyz`)).json();
    expect(JSON.stringify(body)).toContain('stale');

    spawnSecsol('worker-main', env);
    await waitUntil(async () => (await ready()) === 200, { timeoutMs: 10_000 });
    const [notice] = await fake.waitFor(
      (c) => c.method === 'chat.postMessage' && /evaluation had stopped/.test(String(c.args.text)),
      { timeoutMs: 10_000 },
    );
    expect(notice?.args.channel).toBe(ALERT_CHANNEL);
  });
});

describe('when secsol receives SIGTERM', () => {
  it('stops and exits 0', async ({ fake, spawnSecsol }) => {
    const prefix = testPrefix('sigterm');
    const env = testEnv(fake, prefix, {
      PORT: String(await freePort()),
      SECSOL_SHUTDOWN_BUDGET: '2s',
      LOG_LEVEL: 'info',
    });
    const p = spawnSecsol('main', env);
    const redis = testRedis();
    try {
      await waitUntil(
        async () => (await fetch(`http://127.0.0.1:${env.PORT}/healthz`).catch(() => null))?.ok,
        {
          timeoutMs: 10_000,
          message: 'secsol answers /healthz',
        },
      );
      // The port answers before the start has finished: a started secsol is the subject here.
      await waitUntil(() => p.output().includes('secsol started'), { timeoutMs: 10_000 });
      const started = Date.now();
      p.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      p.kill('SIGKILL');
      await p.exited;
      await cleanupPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('stops and exits 0 when it comes during start-up, before secsol has started', async ({
    fake,
    spawnSecsol,
  }) => {
    const prefix = testPrefix('sigterm-start');
    const env = testEnv(fake, prefix, { PORT: String(await freePort()), LOG_LEVEL: 'info' });
    const p = spawnSecsol('main', env);
    const redis = testRedis();
    try {
      // Its first line is written while it starts; the port (and 'secsol started') come later.
      await waitUntil(() => p.output().includes('"msg"'), { timeoutMs: 10_000, intervalMs: 5 });
      p.kill('SIGTERM');
      expect(await p.exited, p.output()).toBe(0);
    } finally {
      p.kill('SIGKILL');
      await p.exited;
      await cleanupPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});

describe('when the configuration is wrong in several places', () => {
  it('exits at once with one message naming every wrong variable and no secret', async ({ spawnSecsol }) => {
    const p = spawnSecsol('main', {
      PORT: 'abc',
      SECSOL_GRACE: 'soon',
      SECSOL_APPROVERS: 'U123,bob',
      SLACK_BOT_TOKEN: 'xoxb-secret-value',
      REDIS_URL: 'redis://user:hunter2@127.0.0.1:1/',
      SECSOL_EVENT_MIN_SEVERITY: 'loud',
    });
    expect(await p.exited).toBe(78);
    const out = p.output();
    for (const name of [
      'PORT',
      'SECSOL_GRACE',
      'SECSOL_APPROVERS',
      'SLACK_SIGNING_SECRET',
      'SECSOL_ALERT_CHANNEL',
      'SECSOL_EVENT_MIN_SEVERITY',
    ]) {
      expect(out).toContain(name);
    }
    expect(out).not.toContain('xoxb-secret-value');
    expect(out).not.toContain('hunter2');
    expect(out.match(/bad configuration/g)).toHaveLength(1);
  });
});
