/**
 * Socket Mode (SLACK_APP_TOKEN set): secsol opens a WebSocket through `apps.connections.open` instead of
 * serving `/slack/events`, acks every envelope over it, answers commands in the ack, drops Events API
 * redeliveries, follows Slack's `disconnect` to a new connection, and closes the socket when it stops.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/action-values.js';
import { call, startApp, type TestApp } from '../harness/app.js';
import { FAKE_IDS, FakeSlack, type SlackCall } from '../harness/fake-slack.js';
import { FakeSocketMode } from '../harness/fake-socket-mode.js';
import { blockActionPayload } from '../harness/slack-requests.js';
import { newTriggerId } from '../harness/slack-signer.js';
import { seedSolution } from './actions/seed-solution.js';

let fake: FakeSlack;
let socket: FakeSocketMode;
let app: TestApp;

beforeEach(async () => {
  fake = await FakeSlack.start();
  socket = await FakeSocketMode.start();
  socket.serveConnectionsOpen(fake);
  app = await startApp(fake, { env: { SLACK_APP_TOKEN: 'xapp-1-test' }, worker: false });
});

/**
 * Connections a test froze or dropped, or that Slack closed itself: the client cannot (or need not) close
 * them with its own close frame.
 */
const diedSilently = new Set<number>();

afterEach(async () => {
  try {
    await app?.close();
    // Stopping the app closes its WebSocket: no socket is left to keep the process alive or to reconnect.
    await socket.waitForNoneOpen(1000);
    // 1000: the client closed with a close frame (on stop, or on Slack's disconnect), never an abrupt drop,
    // except a connection a test let die silently (the client cannot say goodbye on it).
    const clean = socket.connections.filter((c) => !diedSilently.has(c.id));
    expect(clean.map((c) => c.closeCode)).toEqual(clean.map(() => 1000));
    expect(fake.callsTo('apps.connections.open')).toHaveLength(socket.connections.length);
    expect(fake.invalid).toEqual([]);
    expect(socket.unexpected).toEqual([]);
  } finally {
    await socket.close();
    await fake.close();
  }
});

function slashCommand(text: string, user = 'U0USER', responseUrl = fake.newResponseUrl()) {
  return {
    token: 'verification-token-test',
    team_id: FAKE_IDS.teamId,
    team_domain: FAKE_IDS.team,
    channel_id: 'C0CMD',
    channel_name: 'secops',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/secsol',
    text,
    api_app_id: FAKE_IDS.appId,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: newTriggerId(),
  };
}

function homeOpened(user: string, eventId: string) {
  return {
    token: 'verification-token-test',
    team_id: FAKE_IDS.teamId,
    api_app_id: FAKE_IDS.appId,
    event: { type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home', event_ts: '1700000000.000100' },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: FAKE_IDS.teamId, user_id: FAKE_IDS.botUserId, is_bot: true }],
  };
}

async function expectHelpInAck(user: string) {
  const started = Date.now();
  const responseUrl = fake.newResponseUrl();
  const ack = await socket.request('slash_commands', slashCommand('help', user, responseUrl));
  expect(ack.at - started).toBeLessThan(3000);
  expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
  expect(String(ack.payload.text)).toContain('/secsol help');
  expect(JSON.stringify(ack.payload.blocks)).toContain('/secsol status');
  // Answered in the ack, so nothing goes to the response URL.
  expect(fake.responsePosts(responseUrl)).toEqual([]);
}

describe('Socket Mode', () => {
  it('connects through apps.connections.open with the app-level token and gets hello', () => {
    const [open] = fake.callsTo('apps.connections.open');
    expect(open?.headers.authorization).toBe('Bearer xapp-1-test');
    expect(socket.connections).toHaveLength(1);
    expect(socket.connections[0]?.path).toBe('/link');
  });

  it('answers /secsol help in the ack of a slash_commands envelope', async () => {
    await expectHelpInAck('U0USER');
  });

  it('acks an interactive View click and answers it privately', async () => {
    const s = await seedSolution(app.ctx, { name: 'Socket <b>Solution</b>' });
    const payload = blockActionPayload({
      actionId: ACTION.view,
      value: JSON.stringify({ s: s.id }),
      user: 'U0CLICKER',
      channel: 'C0SECOPS',
    });
    const ack = await socket.request('interactive', payload);
    expect(ack.payload ?? {}).toEqual({});
    const [answer] = await fake.waitFor(
      (c: SlackCall) => c.method === 'chat.postEphemeral' && c.args.user === 'U0CLICKER',
    );
    expect(answer?.args.channel).toBe('C0SECOPS');
    expect(String(answer?.args.text)).toContain('Socket &lt;b&gt;Solution&lt;/b&gt;');
  });

  it('acks every redelivery of an event but publishes App Home once', async () => {
    const user = 'U0SOCKET1';
    const eventId = 'Ev0SOCKET0001';
    const first = await socket.request('events_api', homeOpened(user, eventId));
    const retry = await socket.request('events_api', homeOpened(user, eventId), {
      envelopeId: first.envelope_id,
      retryAttempt: 1,
      retryReason: 'timeout',
    });
    const other = await socket.request('events_api', homeOpened(user, eventId));
    expect(other.envelope_id).not.toBe(first.envelope_id);
    expect(socket.acksFor(first.envelope_id)).toHaveLength(2);
    expect(retry.at).toBeGreaterThanOrEqual(first.at);

    const published = (c: SlackCall) => c.method === 'views.publish' && c.args.user_id === user;
    await fake.waitFor(published);
    // A later event for another user is handled after the redeliveries: once it is published, any
    // duplicate publish for U0SOCKET1 would already be recorded.
    await socket.request('events_api', homeOpened('U0SOCKET2', 'Ev0SOCKET0002'));
    await fake.waitFor((c) => c.method === 'views.publish' && c.args.user_id === 'U0SOCKET2');
    expect(fake.calls.filter(published)).toHaveLength(1);
  });

  it('reconnects when Slack asks for a refresh and handles commands on the new connection', async () => {
    socket.disconnect('refresh_requested');
    await socket.waitForConnections(2, 10_000);
    expect(socket.connections[0]?.closedAt).toBeDefined();
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    await expectHelpInAck('U0AFTER');
    expect(socket.acks.at(-1)?.connection).toBe(2);
  });

  it('notices a connection that died silently (no pong, no close) and reconnects', async () => {
    const before = socket.connections.length;
    for (const c of socket.open()) diedSilently.add(c.id);
    socket.freeze();
    // The client pings every 5 s and gives up on a pong after 5 s: a new connection within about 15 s.
    await socket.waitForConnections(before + 1, 20_000);
    await expectHelpInAck('U0SILENT');
    expect(socket.acks.at(-1)?.connection).toBe(before + 1);
    socket.thaw();
  });

  it('reconnects on the other disconnects: a warning, a close frame from Slack, a dropped TCP connection', async () => {
    socket.disconnect('warning');
    await socket.waitForConnections(2, 10_000);
    await expectHelpInAck('U0WARNED');

    for (const c of socket.open()) diedSilently.add(c.id);
    socket.closeFromServer(1001);
    await socket.waitForConnections(3, 15_000);
    await expectHelpInAck('U0CLOSED');

    for (const c of socket.open()) diedSilently.add(c.id);
    socket.terminate();
    await socket.waitForConnections(4, 15_000);
    await expectHelpInAck('U0DROPPED');
    expect(socket.acks.at(-1)?.connection).toBe(4);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(4);
  });

  it('still serves the HTTP API, but not /slack/events', async () => {
    const health = await call(`${app.url}/healthz`, 'GET');
    expect(health.status).toBe(200);
    const events = await call(`${app.url}/slack/events`, 'POST', { body: { type: 'url_verification' } });
    expect(events.status).toBe(404);
  });
});
