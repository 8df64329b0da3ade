/**
 * Connections dropped or stalled without a Redis restart (RELIABILITY 28): CLIENT KILL, CLIENT PAUSE,
 * CLIENT UNBLOCK and DEBUG SLEEP on a private Redis. secsol reconnects by itself and every alert is still posted exactly once.
 */
import { Redis } from 'ioredis';
import { describe, expect, onTestFinished } from 'vitest';
import { ALERT_CHANNEL } from '../harness/app.js';
import type { Secsol } from '../harness/drivers.js';
import type { FakeSlack } from '../harness/fake-slack.js';
import { privateRedisForFile, secsolTest } from '../harness/fixtures.js';
import { waitUntil } from '../harness/wait.js';

const it = secsolTest().extend(
  'redis',
  { scope: 'file' },
  privateRedisForFile({ args: ['--enable-debug-command', 'yes'] }),
);

/**
 * Creates a solution as a careful client would while connections drop: a create whose answer was lost may
 * have happened, and then the retry is told the name is taken (409 with its id): a new token for that id
 * finishes the job.
 */
async function created(secsol: Secsol, name: string): Promise<{ id: string; token: string } | null> {
  const res = await secsol.admin('POST', '/api/v1/solutions', { name, vendor: 'Vendor' }).catch(() => null);
  if (res?.status === 201) return res.body as { id: string; token: string };
  if (res?.status !== 409) return null;
  const id = res.body.existingId as string;
  const rotated = await secsol.admin('POST', `/api/v1/solutions/${id}/token`).catch(() => null);
  return rotated?.status === 200 ? { id, token: rotated.body.token as string } : null;
}

/** Posts an incident for a new solution, retrying each step until Redis answers again. */
async function incidentPosted(secsol: Secsol, name: string, expected: number): Promise<void> {
  const s = await waitUntil(() => created(secsol, name), { timeoutMs: 10_000 });
  await waitUntil(
    async () =>
      secsol
        .startIncident(s)
        .then(() => true)
        .catch(() => false),
    {
      timeoutMs: 10_000,
    },
  );
  await waitUntil(() => incidentsIn(secsol.fake).length === expected, {
    timeoutMs: 15_000,
    message: `${name} is posted`,
  });
}

/** The ids of the clients blocked in a command now (CLIENT LIST's `flags` has `b`). */
async function blockedClientIds(admin: Redis): Promise<string[]> {
  const list = String(await admin.call('CLIENT', 'LIST'));
  return list
    .split('\n')
    .filter((line) => / flags=\S*b/.test(line))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1] ?? '')
    .filter((id) => id !== '');
}

const incidentsIn = (fake: FakeSlack) => fake.messages(ALERT_CHANNEL).filter((m) => !m.thread_ts);

describe('when every client connection is killed, Redis pauses, blocked clients are woken, Redis stalls', () => {
  it('reconnects and posts each alert exactly once', async ({ fake, startSecsol, redis }) => {
    const secsol = await startSecsol({ env: { REDIS_URL: redis.url, SECSOL_EXPECTED_EVERY: '1m' } });
    const admin = new Redis(redis.url);
    onTestFinished(() => admin.disconnect());
    await incidentPosted(secsol, 'Before faults', 1);

    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
    await incidentPosted(secsol, 'After client kill', 2);

    await admin.call('CLIENT', 'PAUSE', '3000');
    await incidentPosted(secsol, 'After client pause', 3);

    // Blocked consumers (BullMQ's BZPOPMIN) woken with an error rather than a job.
    const blocked = await blockedClientIds(admin);
    expect(blocked.length).toBeGreaterThan(0);
    for (const id of blocked) await admin.call('CLIENT', 'UNBLOCK', id, 'ERROR');
    await incidentPosted(secsol, 'After client unblock', 4);

    // Redis stalls for 6 s (a slow command): longer than the reconnect watchdog's patience, so every
    // connection is dropped and opened again while Redis is busy.
    await admin.call('DEBUG', 'SLEEP', '6');
    await incidentPosted(secsol, 'After debug sleep', 5);

    const ids = incidentsIn(fake).map((m) => m.metadata?.event_payload.delivery_id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    expect(fake.invalid).toEqual([]);
  });
});
