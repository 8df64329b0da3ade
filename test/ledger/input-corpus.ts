/**
 * The bad-input ledger's corpus: hostile requests to secsol's real endpoints, generated systematically
 * (each invisible-character class × each text field of each API body) plus the known cases of the single
 * input tests (test/http/input-gaps.test.ts, ingest-api.test.ts, admin-api.test.ts,
 * test/slack/request-authenticity.test.ts, foreign-requests.test.ts, actions/ and views/).
 *
 * Each input says what refusal it expects: an HTTP status (4xx), or for Slack an ack that acts on nothing
 * (`slack-ack`: any Slack call it makes may only explain the refusal to the user who clicked).
 */
import { ACTION, CALLBACK } from '../../src/slack/action-values.js';
import { CONFIGURE_FIELDS, LINK_FIELD } from '../../src/slack/blocks/modal-blocks.js';
import { interactivityBody } from '../../src/slack/request-signing.js';
import { ADMIN_TOKEN, ENROLLMENT_KEY, SIGNING_SECRET } from '../harness/app.js';
import { blockActionPayload, viewSubmissionPayload } from '../harness/slack-requests.js';
import { type SendSignedOptions, signSlackRequest, slashCommandBody } from '../harness/slack-signer.js';

/** What the corpus needs from the running app: where it is, and the things it was seeded with. */
export interface Target {
  url: string;
  solution: { id: string; token: string };
  other: { id: string; token: string };
  /** The name the other solution holds (names are unique). */
  takenName: string;
  /** A URL outside Slack that counts the requests it receives. */
  canaryUrl: string;
  /** A response URL on the fake Slack. */
  responseUrl: () => string;
}

export interface HttpInput {
  kind: 'http';
  group: string;
  name: string;
  method: string;
  path: string;
  token?: string;
  /** Sent byte for byte; objects are JSON-encoded. */
  body?: string | object;
  contentType?: string;
  expect: number[];
}

export interface SlackInput {
  kind: 'slack';
  group: string;
  name: string;
  body: string;
  sign: SendSignedOptions;
  /** `401`: refused at the door. `ack`: acknowledged (200), acting on nothing. */
  expect: 'unauthorized' | 'ack' | 'too-large';
}

export type Input = HttpInput | SlackInput;

/** Characters that change how text displays or cannot be stored, one per class. */
export const BAD_CHARACTERS: Record<string, string> = {
  'ESC sequence': '\u001b[2J',
  NUL: '\u0000',
  BEL: '\u0007',
  DEL: '\u007f',
  'C1 CSI': '\u009b',
  'bidi override RLO': '\u202e',
  'bidi isolate LRI': '\u2066',
  'zero-width space': '\u200b',
  'zero-width joiner': '\u200d',
  'byte order mark': '\ufeff',
  'soft hyphen': '\u00ad',
  'word joiner': '\u2060',
  'interlinear annotation': '\ufff9',
  // Not Cc or Cf, but the same harm: a lone surrogate cannot be stored (it came back as U+FFFD) and a
  // line or paragraph separator breaks a one-line name.
  'lone surrogate': '\ud800',
  'line separator': '\u2028',
  'paragraph separator': '\u2029',
};

/** Characters that show as nothing, or as each device likes: refused in names, vendors and titles only. */
export const BLANK_CHARACTERS: Record<string, string> = {
  'Hangul filler': '\u3164',
  'Hangul choseong filler': '\u115f',
  'halfwidth Hangul filler': '\uffa0',
  'blank Braille pattern': '\u2800',
  'private use': '\ue000',
};

const FAR_FUTURE = '2999-01-01T00:00:00Z';
const inTenMinutes = () => new Date(Date.now() + 10 * 60_000).toISOString();

/** Every text field of every API body, with a valid body around it. */
function textFields(
  t: Target,
): { field: string; method: string; path: string; token: string; body: (v: string) => object }[] {
  const health = `/api/v1/solutions/${t.solution.id}/health`;
  const events = `/api/v1/solutions/${t.solution.id}/events`;
  return [
    {
      field: 'create.name',
      method: 'POST',
      path: '/api/v1/solutions',
      token: ADMIN_TOKEN,
      body: (v) => ({ name: `Ledger ${v} one`, vendor: 'Vendor' }),
    },
    {
      field: 'create.vendor',
      method: 'POST',
      path: '/api/v1/solutions',
      token: ADMIN_TOKEN,
      body: (v) => ({ name: 'Ledger vendor', vendor: `Ven${v}dor` }),
    },
    {
      field: 'create.description',
      method: 'POST',
      path: '/api/v1/solutions',
      token: ADMIN_TOKEN,
      body: (v) => ({ name: 'Ledger description', vendor: 'Vendor', description: `About ${v}` }),
    },
    {
      field: 'enroll.name',
      method: 'POST',
      path: '/api/v1/enroll',
      token: ENROLLMENT_KEY,
      body: (v) => ({ name: `Enrolling ${v} request`, vendor: 'Vendor' }),
    },
    {
      field: 'enroll.vendor',
      method: 'POST',
      path: '/api/v1/enroll',
      token: ENROLLMENT_KEY,
      body: (v) => ({ name: 'Enrolling vendor', vendor: `Ven${v}dor` }),
    },
    {
      field: 'enroll.description',
      method: 'POST',
      path: '/api/v1/enroll',
      token: ENROLLMENT_KEY,
      body: (v) => ({ name: 'Enrolling description', vendor: 'Vendor', description: `About ${v}` }),
    },
    {
      field: 'events.title',
      method: 'POST',
      path: events,
      token: t.solution.token,
      body: (v) => ({ events: [{ severity: 'high', title: `Port ${v} scan` }] }),
    },
    {
      field: 'events.description',
      method: 'POST',
      path: events,
      token: t.solution.token,
      body: (v) => ({ events: [{ severity: 'high', title: 'Port scan', description: `From ${v} here` }] }),
    },
    {
      field: 'health.message',
      method: 'POST',
      path: health,
      token: t.solution.token,
      body: (v) => ({ status: 'unhealthy', message: `Agent ${v} down` }),
    },
  ];
}

export function httpCorpus(t: Target): HttpInput[] {
  const out: HttpInput[] = [];
  const add = (group: string, name: string, rest: Omit<HttpInput, 'kind' | 'group' | 'name'>) =>
    out.push({ kind: 'http', group, name, ...rest });

  // Each invisible-character class in each text field; the blank-looking ones in the name-like fields.
  for (const f of textFields(t)) {
    const groups: [string, Record<string, string>][] = [['invisible characters', BAD_CHARACTERS]];
    if (/\.(name|vendor|title)$/.test(f.field)) groups.push(['blank characters', BLANK_CHARACTERS]);
    for (const [group, classes] of groups) {
      for (const [what, chars] of Object.entries(classes)) {
        add(group, `${what} in ${f.field}`, {
          method: f.method,
          path: f.path,
          token: f.token,
          body: f.body(chars),
          expect: [400],
        });
      }
    }
  }

  const health = `/api/v1/solutions/${t.solution.id}/health`;
  const events = `/api/v1/solutions/${t.solution.id}/events`;
  const solutionToken = t.solution.token;
  const ingest = (group: string, name: string, body: string | object, expect = [400], contentType?: string) =>
    add(group, name, { method: 'POST', path: health, token: solutionToken, body, contentType, expect });
  const create = (group: string, name: string, body: string | object, expect = [400], contentType?: string) =>
    add(group, name, {
      method: 'POST',
      path: '/api/v1/solutions',
      token: ADMIN_TOKEN,
      body,
      contentType,
      expect,
    });

  // The router.
  add('routing', '%ff in the path', {
    method: 'POST',
    path: '/api/v1/solutions/%ff/health',
    token: solutionToken,
    body: { status: 'healthy' },
    expect: [400],
  });
  add('routing', '%00 in the path', {
    method: 'POST',
    path: '/api/v1/solutions/a%00b/health',
    token: solutionToken,
    body: { status: 'healthy' },
    expect: [400, 401, 403, 404],
  });
  add('routing', 'GET on health', { method: 'GET', path: health, token: solutionToken, expect: [405] });
  add('routing', 'PUT on health', {
    method: 'PUT',
    path: health,
    token: solutionToken,
    body: { status: 'healthy' },
    expect: [405],
  });
  add('routing', 'PUT on solutions', {
    method: 'PUT',
    path: '/api/v1/solutions',
    token: ADMIN_TOKEN,
    body: { name: 'Put', vendor: 'V' },
    expect: [405],
  });
  add('routing', 'PATCH on enroll', {
    method: 'PATCH',
    path: '/api/v1/enroll',
    token: ENROLLMENT_KEY,
    body: { name: 'Patch', vendor: 'V' },
    expect: [405],
  });
  add('routing', 'POST on healthz', {
    method: 'POST',
    path: '/healthz',
    body: { status: 'healthy' },
    expect: [405],
  });
  add('routing', 'DELETE on events', { method: 'DELETE', path: events, token: solutionToken, expect: [405] });
  add('routing', 'unknown route', {
    method: 'POST',
    path: '/api/v2/solutions',
    token: ADMIN_TOKEN,
    body: { name: 'V2', vendor: 'V' },
    expect: [404],
  });

  // Bodies the parser must refuse.
  const valid = JSON.stringify({ status: 'healthy' });
  ingest('body encoding', 'charset=utf-16', valid, [415], 'application/json; charset=utf-16');
  ingest('body encoding', 'charset=latin1', valid, [415], 'application/json; charset=iso-8859-1');
  ingest('body encoding', 'text/plain', valid, [415], 'text/plain');
  ingest('body encoding', 'form-encoded', 'status=healthy', [415], 'application/x-www-form-urlencoded');
  create(
    'body encoding',
    'create in utf-16',
    JSON.stringify({ name: 'Utf16', vendor: 'V' }),
    [415],
    'application/json; charset=utf-16',
  );
  ingest('bad JSON', 'truncated object', '{"status":"healthy"');
  ingest('bad JSON', 'trailing comma', '{"status":"healthy",}');
  ingest('bad JSON', 'empty body', '');
  ingest('bad JSON', 'null', 'null');
  ingest('bad JSON', 'an array', '[{"status":"healthy"}]');
  ingest('bad JSON', 'a string', '"healthy"');
  ingest('bad JSON', 'invalid UTF-8 escape', '{"status":"healthy","message":"\\uZZZZ"}');
  create('bad JSON', 'create, single quotes', "{'name':'Quoted','vendor':'V'}");
  ingest(
    'JSON that storage cannot keep',
    '__proto__ in details',
    '{"status":"healthy","details":{"__proto__":{"polluted":true}}}',
  );
  ingest(
    'JSON that storage cannot keep',
    '1e400 in details',
    '{"status":"healthy","details":{"size":1e400}}',
  );
  ingest(
    'JSON that storage cannot keep',
    '-1e400 in details',
    '{"status":"healthy","details":{"size":-1e400}}',
  );
  add('JSON that storage cannot keep', '__proto__ in event properties', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: '{"events":[{"severity":"high","title":"t","properties":{"__proto__":{"x":1}}}]}',
    expect: [400],
  });
  add('JSON that storage cannot keep', '1e400 in event properties', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: '{"events":[{"severity":"high","title":"t","properties":{"n":1e400}}]}',
    expect: [400],
  });
  let deep: unknown = 'bottom';
  for (let i = 0; i < 60; i++) deep = { d: deep };
  ingest('JSON that storage cannot keep', 'details 60 levels deep', { status: 'healthy', details: deep });

  // Unknown and wrong fields (bodies are strict).
  ingest('schema', 'unknown field approved', { status: 'healthy', approved: true });
  ingest('schema', 'unknown field solutionId', { status: 'healthy', solutionId: t.other.id });
  ingest('schema', 'status ok', { status: 'ok' });
  ingest('schema', 'status missing', { message: 'no status' });
  ingest('schema', 'details with a 201-char key', { status: 'healthy', details: { ['k'.repeat(201)]: 1 } });
  create('schema', 'create with id', { name: 'With id', vendor: 'V', id: 'chosen-id' });
  create('schema', 'create with token', { name: 'With token', vendor: 'V', token: 'my-own-token-123' });
  create('schema', 'create, name empty', { name: '', vendor: 'V' });
  create('schema', 'create, name only spaces', { name: '    ', vendor: 'V' });
  create('schema', 'create, name 201 characters', { name: 'n'.repeat(201), vendor: 'V' });
  create('schema', 'create, expectedEvery 0s', { name: 'Zero cadence', vendor: 'V', expectedEvery: '0s' });
  create('schema', 'create, expectedEvery forever', {
    name: 'Forever cadence',
    vendor: 'V',
    expectedEvery: 'forever',
  });
  create('schema', 'create, alertChannel #general', {
    name: 'Hash channel',
    vendor: 'V',
    alertChannel: '#general',
  });
  create('schema', 'create, owner <!channel>', { name: 'Channel owner', vendor: 'V', owner: '<!channel>' });
  create('schema', 'create, consoleUrl javascript:', {
    name: 'Js console',
    vendor: 'V',
    consoleUrl: 'javascript:alert(1)',
  });
  create('schema', 'create, family unknown', { name: 'Odd family', vendor: 'V', family: 'rootkit' });
  add('schema', 'enroll with approved', {
    method: 'POST',
    path: '/api/v1/enroll',
    token: ENROLLMENT_KEY,
    body: { name: 'Self approved', vendor: 'V', approved: true },
    expect: [400],
  });
  add('schema', 'enroll with expectedEvery', {
    method: 'POST',
    path: '/api/v1/enroll',
    token: ENROLLMENT_KEY,
    body: { name: 'Enroll cadence', vendor: 'V', expectedEvery: '1m' },
    expect: [400],
  });
  add('schema', 'events, empty list', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: { events: [] },
    expect: [400],
  });
  add('schema', 'events, 501 of them', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: { events: Array.from({ length: 501 }, () => ({ severity: 'high', title: 't' })) },
    expect: [400],
  });
  add('schema', 'events, severity urgent', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: { events: [{ severity: 'urgent', title: 't' }] },
    expect: [400],
  });
  add('schema', 'events, id with spaces', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: { events: [{ id: 'a b', severity: 'high', title: 't' }] },
    expect: [400],
  });
  add('schema', 'events, title 501 characters', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: { events: [{ severity: 'high', title: 't'.repeat(501) }] },
    expect: [400],
  });

  // Times.
  ingest('timestamps', 'observedAt in 2999', { status: 'unhealthy', observedAt: FAR_FUTURE });
  ingest('timestamps', 'observedAt 10 minutes ahead', { status: 'unhealthy', observedAt: inTenMinutes() });
  ingest('timestamps', 'observedAt not a date', { status: 'unhealthy', observedAt: 'yesterday' });
  ingest('timestamps', 'observedAt without an offset', {
    status: 'unhealthy',
    observedAt: '2024-01-01T00:00:00',
  });
  add('timestamps', 'event observedAt in 2999', {
    method: 'POST',
    path: events,
    token: solutionToken,
    body: { events: [{ severity: 'high', title: 't', observedAt: FAR_FUTURE }] },
    expect: [400],
  });

  // Sizes.
  ingest('sizes', 'a body over 256 KiB', { status: 'healthy', message: 'x'.repeat(256 * 1024) }, [413]);
  create(
    'sizes',
    'create, a body over 256 KiB',
    { name: 'Big', vendor: 'V', description: 'x'.repeat(300 * 1024) },
    [413],
  );
  ingest('sizes', 'message 2001 characters', { status: 'healthy', message: 'm'.repeat(2001) });

  // Credentials (few: failures are throttled per address after 30 a minute, and a 429 would hide them).
  add('credentials', 'health without a token', {
    method: 'POST',
    path: health,
    body: { status: 'unhealthy' },
    expect: [401],
  });
  add('credentials', 'health with a made-up token', {
    method: 'POST',
    path: health,
    token: 'made-up-token-0123456789',
    body: { status: 'unhealthy' },
    expect: [401],
  });
  add('credentials', "health with another solution's token", {
    method: 'POST',
    path: health,
    token: t.other.token,
    body: { status: 'unhealthy' },
    expect: [403],
  });
  add('credentials', 'health with the admin token', {
    method: 'POST',
    path: health,
    token: ADMIN_TOKEN,
    body: { status: 'unhealthy' },
    expect: [401],
  });
  add('credentials', 'create with a solution token', {
    method: 'POST',
    path: '/api/v1/solutions',
    token: solutionToken,
    body: { name: 'By solution', vendor: 'V' },
    expect: [401],
  });
  add('credentials', 'create with the enrollment key', {
    method: 'POST',
    path: '/api/v1/solutions',
    token: ENROLLMENT_KEY,
    body: { name: 'By enroller', vendor: 'V' },
    expect: [401],
  });
  add('credentials', 'enroll with the admin token', {
    method: 'POST',
    path: '/api/v1/enroll',
    token: ADMIN_TOKEN,
    body: { name: 'Enroll by admin', vendor: 'V' },
    expect: [401],
  });
  add('credentials', 'delete with a solution token', {
    method: 'DELETE',
    path: `/api/v1/solutions/${t.other.id}`,
    token: solutionToken,
    expect: [401],
  });
  add('credentials', 'rotate with no token', {
    method: 'POST',
    path: `/api/v1/solutions/${t.other.id}/token`,
    expect: [401],
  });

  // Names are unique, compared without case and extra spaces.
  create('duplicate names', 'the same name', { name: t.takenName, vendor: 'V' }, [409]);
  create('duplicate names', 'the name in capitals', { name: t.takenName.toUpperCase(), vendor: 'V' }, [409]);
  create(
    'duplicate names',
    'the name with extra spaces',
    { name: `  ${t.takenName.replace(' ', '   ')}  `, vendor: 'V' },
    [409],
  );
  add('duplicate names', 'enroll under a taken name', {
    method: 'POST',
    path: '/api/v1/enroll',
    token: ENROLLMENT_KEY,
    body: { name: t.takenName, vendor: 'V' },
    expect: [409],
  });

  return out;
}

const nowSec = () => Math.floor(Date.now() / 1000);
const signed: SendSignedOptions = { secret: SIGNING_SECRET };

export function slackCorpus(t: Target): SlackInput[] {
  const out: SlackInput[] = [];
  const add = (group: string, name: string, body: string, expect: SlackInput['expect'], sign = signed) =>
    out.push({ kind: 'slack', group, name, body, sign, expect });
  const command = (text: string, fields: Record<string, string> = {}) =>
    slashCommandBody({ text, response_url: t.responseUrl(), ...fields });
  const clickBody = (
    actionId: string,
    value: string,
    extra: Parameters<typeof blockActionPayload>[0] = { actionId },
  ) =>
    interactivityBody(
      blockActionPayload({ channel: 'C0SECOPS', responseUrl: t.responseUrl(), ...extra, actionId, value }),
    );
  const valid = { s: t.solution.id, v: 1 };

  // Not signed by Slack: every kind of request, refused before any handler.
  const requests: [string, string, string?][] = [
    ['a slash command', command('status')],
    ['a click', clickBody(ACTION.delete, JSON.stringify(valid))],
    [
      'a modal save',
      interactivityBody(
        viewSubmissionPayload({
          callbackId: CALLBACK.configure,
          privateMetadata: JSON.stringify(valid),
          values: {},
        }),
      ),
    ],
    [
      'an event',
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T0TEST',
        api_app_id: 'A0TEST',
        event_id: 'Ev0LEDGER1',
        event: { type: 'app_home_opened', user: 'U0USER', tab: 'home' },
      }),
      'application/json',
    ],
  ];
  for (const [what, body, contentType] of requests) {
    const base = { ...signed, contentType };
    add('not signed by Slack', `${what}, wrong secret`, body, 'unauthorized', {
      ...base,
      secret: 'not-the-signing-secret',
    });
    add('not signed by Slack', `${what}, 10 minutes old`, body, 'unauthorized', {
      ...base,
      timestampSec: nowSec() - 600,
    });
    add('not signed by Slack', `${what}, 10 minutes ahead`, body, 'unauthorized', {
      ...base,
      timestampSec: nowSec() + 600,
    });
    add('not signed by Slack', `${what}, no signature`, body, 'unauthorized', { ...base, signature: '' });
    add('not signed by Slack', `${what}, signature of another body`, body, 'unauthorized', {
      ...base,
      signature: signSlackRequest(`${body}x`, nowSec(), SIGNING_SECRET),
    });
  }

  // Signed, but from elsewhere: another workspace, none, or another app.
  add('foreign', 'command from another workspace', command('status', { team_id: 'T0OTHER' }), 'ack');
  add('foreign', 'command from no workspace', command('status', { team_id: '' }), 'ack');
  add('foreign', 'command for another app', command('status', { api_app_id: 'A0OTHERAPP' }), 'ack');
  add(
    'foreign',
    'delete clicked in another workspace',
    clickBody(ACTION.delete, JSON.stringify(valid), {
      actionId: ACTION.delete,
      teamId: 'T0OTHER',
      user: 'U0APPROVER',
    }),
    'ack',
  );
  const foreignSave = viewSubmissionPayload({
    callbackId: CALLBACK.configure,
    privateMetadata: JSON.stringify({ ...valid, c: 'C0SECOPS' }),
    values: { [CONFIGURE_FIELDS.name]: { type: 'plain_text_input', value: 'Renamed from afar' } },
    user: 'U0APPROVER',
  });
  (foreignSave.team as { id: string }).id = 'T0OTHER';
  add('foreign', 'modal saved in another workspace', interactivityBody(foreignSave), 'ack');

  // A response_url that is not Slack's: whatever answers the command, it must not be called.
  for (const text of ['status', 'alerts', 'help', `view ${t.solution.id}`]) {
    add(
      'forged response_url',
      `/secsol ${text} with a non-Slack response_url`,
      slashCommandBody({ text, response_url: t.canaryUrl }),
      'ack',
    );
  }
  add(
    'forged response_url',
    'a click with a non-Slack response_url',
    clickBody(ACTION.view, JSON.stringify({ s: t.solution.id }), {
      actionId: ACTION.view,
      ephemeral: true,
      responseUrl: t.canaryUrl,
    }),
    'ack',
  );

  // Garbage in button values, on every button and menu, clicked by an approver.
  const garbage: Record<string, string> = {
    'not JSON': 'not json',
    'a mention': '{"s":"<!channel>","v":1}',
    'an unknown solution':
      '{"s":"no-such-solution","v":1,"f":"flip-x-1","e":"enr-00000000-0000-4000-8000-000000000000"}',
    'extra keys': JSON.stringify({ ...valid, admin: true, f: 'flip-x-1' }),
  };
  for (const action of Object.values(ACTION)) {
    if (action === ACTION.console) continue; // a link button: Slack opens the URL, the app gets no value to act on
    for (const [what, value] of Object.entries(garbage)) {
      add(
        'garbage button values',
        `${action}: ${what}`,
        clickBody(action, value, { actionId: action, user: 'U0APPROVER' }),
        'ack',
      );
    }
  }
  // A well-formed value clicked by someone who may not: delete and configure are for approvers.
  add(
    'garbage button values',
    'delete by a non-approver',
    clickBody(ACTION.delete, JSON.stringify(valid), { actionId: ACTION.delete, user: 'U0NOT' }),
    'ack',
  );
  add(
    'garbage button values',
    'configure by a non-approver',
    clickBody(ACTION.configure, JSON.stringify(valid), { actionId: ACTION.configure, user: 'U0NOT' }),
    'ack',
  );

  // Modals saved with tampered private_metadata.
  const tampered: Record<string, string> = {
    'not JSON': 'not json',
    'a mention for the solution': '{"s":"<!here>","v":1,"c":"C0SECOPS"}',
    'an unknown solution': '{"s":"no-such-solution","v":1,"c":"C0SECOPS"}',
    'a version from the future': JSON.stringify({ s: t.solution.id, v: 999, c: 'C0SECOPS' }),
    'another solution, with extra keys': JSON.stringify({ s: t.other.id, v: 1, c: 'C0SECOPS', admin: true }),
  };
  for (const [what, meta] of Object.entries(tampered)) {
    add(
      'tampered private_metadata',
      `configure: ${what}`,
      interactivityBody(
        viewSubmissionPayload({
          callbackId: CALLBACK.configure,
          privateMetadata: meta,
          values: {
            [CONFIGURE_FIELDS.name]: { type: 'plain_text_input', value: 'Renamed by a forged form' },
          },
          user: 'U0APPROVER',
        }),
      ),
      'ack',
    );
    add(
      'tampered private_metadata',
      `link resources: ${what}`,
      interactivityBody(
        viewSubmissionPayload({
          callbackId: CALLBACK.link,
          privateMetadata: meta,
          values: { [LINK_FIELD]: { type: 'plain_text_input', value: '/subscriptions/x/resourceGroups/y' } },
          user: 'U0APPROVER',
        }),
      ),
      'ack',
    );
  }

  // Bigger than Slack ever sends.
  add(
    'sizes',
    'a 1.1 MB slash command',
    slashCommandBody({ text: `status ${'x'.repeat(1_100_000)}` }),
    'too-large',
  );

  return out;
}
