import { expect } from 'vitest';
import { ADMIN_TOKEN, call, type TestApp } from '../harness/app.js';
import type { SlackCall } from '../harness/fake-slack.js';
import { waitUntil } from '../harness/wait.js';

export async function createSolution(
  app: TestApp,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const res = await call(`${app.url}/api/v1/solutions`, 'POST', {
    token: ADMIN_TOKEN,
    body: { name, vendor: 'Test vendor', family: 'edr', ...extra },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string };
}

export async function report(app: TestApp, id: string, token: string, status: 'healthy' | 'unhealthy') {
  const res = await call(`${app.url}/api/v1/solutions/${id}/health`, 'POST', { token, body: { status } });
  expect(res.status).toBe(202);
}

export async function solutionDetail(app: TestApp, id: string) {
  return (await call(`${app.url}/api/v1/solutions/${id}`, 'GET', { token: ADMIN_TOKEN })).body as {
    state: string;
    flips: { id: string; to: string; delivery: string }[];
  };
}

/** Reports healthy, waits until the worker recorded it, then reports unhealthy: one incident flip. */
export async function makeIncident(app: TestApp, id: string, token: string): Promise<void> {
  await report(app, id, token, 'healthy');
  await waitUntil(async () => (await solutionDetail(app, id)).flips[0]?.to === 'healthy');
  await report(app, id, token, 'unhealthy');
}

export const topLevelPosts = (channel: string) => (c: SlackCall) =>
  c.method === 'chat.postMessage' && c.args.channel === channel && c.args.thread_ts === undefined;

export function deliveryIdOf(c: SlackCall | undefined): string | undefined {
  return (c?.args.metadata as { event_payload?: { delivery_id?: string } } | undefined)?.event_payload
    ?.delivery_id;
}
