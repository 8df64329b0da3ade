/**
 * Issue 8, item 4: self-enrollment is bounded. Accepted enrollments per minute across the deployment
 * (SECSOL_ENROLL_RATE) and requests waiting for a decision (SECSOL_ENROLL_MAX_PENDING); a refused request
 * is a 429 that wrote nothing (no solution, no approval request), and a decision frees a place.
 */
import { expect, onTestFinished } from 'vitest';
import { storageContext } from '../../src/storage/context.js';
import { SolutionRepository } from '../../src/storage/solution-repository.js';
import type { Secsol } from '../harness/drivers.js';
import { secsolTest } from '../harness/fixtures.js';
import { testPrefix, testRedis } from '../harness/redis.js';

const test = secsolTest({ worker: false });

/** The middle of a rate window: the fixed-window counter cannot roll over during the test. */
const MID_WINDOW = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;

const enroll = (secsol: Secsol, name: string) =>
  secsol.enrollmentApi('POST', '/api/v1/enroll', { name, vendor: 'Vendor' });

async function solutionIds(secsol: Secsol): Promise<string[]> {
  const res = await secsol.admin('GET', '/api/v1/solutions?limit=100');
  expect(res.status).toBe(200);
  return (res.body.solutions as { id: string }[]).map((s) => s.id).sort();
}

test('past the rate, enrollments are refused with 429 and Retry-After, and nothing is created', async ({
  startSecsol,
}) => {
  const secsol = await startSecsol({
    worker: false,
    now: () => MID_WINDOW,
    env: { SECSOL_ENROLL_RATE: '3', SECSOL_ENROLL_MAX_PENDING: '100' },
  });
  for (const name of ['Scanner A', 'Scanner B', 'Scanner C'])
    expect((await enroll(secsol, name)).status).toBe(202);
  const refused = await enroll(secsol, 'Scanner D');
  expect(refused.status).toBe(429);
  expect(refused.body).toEqual({
    error: 'secsol_rate_limited',
    message: expect.stringMatching(/3 a minute/),
  });
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(await solutionIds(secsol)).toEqual(['scanner-a', 'scanner-b', 'scanner-c']);
});

test('past the pending cap, enrollments are refused until approvers decide one', async ({ startSecsol }) => {
  const secsol = await startSecsol({
    worker: false,
    env: { SECSOL_ENROLL_RATE: '100', SECSOL_ENROLL_MAX_PENDING: '2' },
  });
  const first = await secsol.enroll('Scanner A');
  const second = await secsol.enroll('Scanner B');

  const refused = await enroll(secsol, 'Scanner C');
  expect(refused.status).toBe(429);
  expect(refused.body.error).toBe('secsol_enrollment_backlog');
  expect(refused.body.message).toMatch(/approvers must decide pending requests/);
  expect(refused.headers.get('retry-after')).toBe('60');
  // Nothing half-written: no solution, no enrollment.
  expect(await solutionIds(secsol)).toEqual(['scanner-a', 'scanner-b']);

  // An approval frees a place, and so does a denial.
  expect((await secsol.approveEnrollment(first)).status).toBe(200);
  expect((await enroll(secsol, 'Scanner C')).status).toBe(202);
  expect((await enroll(secsol, 'Scanner D')).status).toBe(429);
  expect((await secsol.admin('POST', `/api/v1/enroll/${second}/deny`)).status).toBe(200);
  expect((await enroll(secsol, 'Scanner D')).status).toBe(202);
  expect(await solutionIds(secsol)).toEqual(['scanner-a', 'scanner-b', 'scanner-c', 'scanner-d']);

  // Operators see the backlog and the refusals.
  const metrics = (await secsol.api('GET', '/metrics')).text;
  expect(metrics).toMatch(/^secsol_enrollments_pending 2$/m);
  expect(metrics).toMatch(/^secsol_http_requests_total\{route="\/api\/v1\/enroll",status="429"\} 2$/m);
});

test('a request whose solution was deleted no longer holds a place', async ({ startSecsol }) => {
  const secsol = await startSecsol({
    worker: false,
    env: { SECSOL_ENROLL_RATE: '100', SECSOL_ENROLL_MAX_PENDING: '1' },
  });
  await secsol.enroll('Scanner A');
  expect((await enroll(secsol, 'Scanner B')).status).toBe(429);
  expect((await secsol.admin('DELETE', '/api/v1/solutions/scanner-a')).status).toBe(204);
  expect((await enroll(secsol, 'Scanner B')).status).toBe(202);
});

test('requests waiting from before the pending set count toward the cap', async ({ startSecsol }) => {
  // As an earlier secsol left them, before this one starts: a discovered solution and its request, in no
  // pending set.
  const prefix = testPrefix('legacy-enroll');
  const redis = testRedis();
  onTestFinished(() => redis.disconnect());
  const ctx = storageContext(redis, prefix);
  await new SolutionRepository(ctx).create(
    {
      id: 'legacy-scanner',
      name: 'Legacy Scanner',
      vendor: 'Vendor',
      family: 'va',
      source: 'push',
      linkedResources: [],
      lifecycle: 'discovered',
      createdAt: 1,
      version: 1,
    },
    1,
    null,
  );
  await redis.hset(ctx.keys.enrollment('enr-legacy'), {
    id: 'enr-legacy',
    solutionId: 'legacy-scanner',
    status: 'pending',
    createdAt: '1',
    requestedBy: 'enrollment-api',
  });
  await redis.sadd(ctx.keys.solutionEnrollments('legacy-scanner'), 'enr-legacy');

  const secsol = await startSecsol({ worker: false, prefix, env: { SECSOL_ENROLL_MAX_PENDING: '1' } });
  const refused = await enroll(secsol, 'Scanner After Upgrade');
  expect(refused.status).toBe(429);
  expect(refused.body).toMatchObject({ error: 'secsol_enrollment_backlog' });
});
