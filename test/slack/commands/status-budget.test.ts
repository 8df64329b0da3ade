/**
 * `/secsol status` never makes Slack wait past 3 s: when the snapshot is not ready within the ack budget
 * (a very large fleet, a slow Redis), the ack says so and the answer follows through the response URL.
 * The handler is tested as a plain function with small fakes.
 */
import { describe, expect, it } from 'vitest';
import type { StatusService, StatusSnapshot } from '../../../src/services/status-service.js';
import type { CommandContext } from '../../../src/slack/listeners/commands/command-context.js';
import { statusCommand } from '../../../src/slack/listeners/commands/status-command.js';
import type { SlackDeps } from '../../../src/slack/slack-deps.js';
import { waitUntil } from '../../harness/wait.js';

const empty: StatusSnapshot = {
  now: Date.now(),
  connected: [],
  discovered: [],
  counts: { healthy: 0, unhealthy: 0, stopped_reporting: 0, not_reported: 0 },
};

function context(snapshot: () => Promise<StatusSnapshot>) {
  const acks: unknown[] = [];
  const responses: unknown[] = [];
  const ctx = {
    deps: {} as SlackDeps,
    status: { snapshot } as unknown as StatusService,
    userId: 'U1',
    ack: async (arg?: unknown) => {
      acks.push(arg);
    },
    respond: async (arg: unknown) => {
      responses.push(arg);
    },
  } as unknown as CommandContext;
  return { ctx, acks, responses };
}

describe('when the status is ready within the ack budget', () => {
  it('answers in the ack and nothing else', async () => {
    const { ctx, acks, responses } = context(async () => empty);
    await statusCommand(ctx, 200);
    expect(acks).toHaveLength(1);
    expect(JSON.stringify(acks[0])).toContain('blocks');
    expect(responses).toHaveLength(0);
  });
});

describe('when the status takes longer than the ack budget', () => {
  it('acks at once with a note, then answers through the response URL', async () => {
    let release: (s: StatusSnapshot) => void = () => {};
    const slow = new Promise<StatusSnapshot>((r) => {
      release = r;
    });
    const { ctx, acks, responses } = context(() => slow);
    const started = Date.now();
    const done = statusCommand(ctx, 50);
    // The ack goes out after the budget, not after the snapshot.
    await waitUntil(() => acks.length > 0, { timeoutMs: 1000, intervalMs: 5 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(JSON.stringify(acks[0])).toContain('follows in a moment');
    expect(responses).toHaveLength(0);
    release(empty);
    await done;
    expect(responses).toHaveLength(1);
    expect(JSON.stringify(responses[0])).toContain('blocks');
  });
});
