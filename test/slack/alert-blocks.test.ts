import { describe, expect, it } from 'vitest';
import type { HealthState, SecurityEvent, Severity } from '../../src/domain/model.js';
import {
  type DigestEntry,
  digestMessage,
  eventBatchMessage,
  type IncidentView,
  incidentMessage,
  incidentReply,
  type SlackMessage,
} from '../../src/slack/blocks/alert-blocks.js';
import { type ApprovalView, approvalRequestMessage } from '../../src/slack/blocks/approval-blocks.js';
import { opsNoticeMessage } from '../../src/slack/blocks/ops-blocks.js';
import { MAX_MESSAGE_BLOCKS, validateMessageBlocks } from '../harness/fake-slack.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = 1_700_000_000_000;

// ---------------------------------------------------------------------------------------------------------
// Helpers: read a message as plain JSON
// ---------------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every string anywhere in the value (texts, values, ids). */
function allStrings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(allStrings);
  if (isObject(v)) return Object.values(v).flatMap(allStrings);
  return [];
}

/** Every string held by a `text` field, at the top level or nested in blocks and text objects. */
function textFields(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(textFields);
  if (!isObject(v)) return [];
  return Object.entries(v).flatMap(([k, value]) =>
    k === 'text' && typeof value === 'string' ? [value] : textFields(value),
  );
}

function hasKey(v: unknown, key: string): boolean {
  if (Array.isArray(v)) return v.some((x) => hasKey(x, key));
  if (!isObject(v)) return false;
  return key in v || Object.values(v).some((x) => hasKey(x, key));
}

function json(message: SlackMessage): Json {
  return JSON.parse(JSON.stringify(message)) as Json;
}

function blocksOf(message: SlackMessage): Json[] {
  return json(message).blocks as Json[];
}

/** The interactive elements of every actions block. */
function actionElements(message: SlackMessage): Json[] {
  return blocksOf(message)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements as Json[]);
}

function actionIds(message: SlackMessage): string[] {
  return actionElements(message).map((e) => String(e.action_id));
}

function button(message: SlackMessage, actionId: string): Json {
  const found = actionElements(message).find((e) => e.action_id === actionId);
  if (!found) throw new Error(`no element with action_id ${actionId}`);
  return found;
}

/** All text of the message, joined, for "mentions X" assertions. */
function allText(message: SlackMessage): string {
  return textFields(json(message)).join('\n');
}

/** The checks every message must pass: valid Block Kit, within limits, no mention-expanding options. */
function expectValidMessage(message: SlackMessage): void {
  expect(validateMessageBlocks(json(message).blocks)).toEqual([]);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(MAX_MESSAGE_BLOCKS);
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(4000);
  for (const text of textFields(message.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
  expect(hasKey(message, 'link_names')).toBe(false);
  expect(hasKey(message, 'parse')).toBe(false);
}

// ---------------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------------

const SOLUTION = { id: 'qualys-vm', name: 'Qualys VM', vendor: 'Qualys', version: 3 };

function incident(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    solution: SOLUTION,
    flipId: 'flip-1',
    state: 'unhealthy',
    reason: 'unhealthy report 5m ago',
    since: T0,
    ...overrides,
  };
}

const STATES: HealthState[] = ['unhealthy', 'stopped_reporting', 'not_reported', 'healthy'];

function digestEntries(n: number): DigestEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    solutionId: `sol-${i}`,
    name: `Solution ${String(i).padStart(5, '0')}`,
    to: STATES[i % STATES.length] as HealthState,
    reason: `last health report ${i % 7}h ago, expected every 1h`,
  }));
}

const SEVERITY_CYCLE: Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

function events(n: number, overrides: Partial<SecurityEvent> = {}): SecurityEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `evt-${i}`,
    solutionId: SOLUTION.id,
    severity: SEVERITY_CYCLE[i % SEVERITY_CYCLE.length] as Severity,
    title: `Suspicious sign-in ${i}`,
    description: 'Impossible travel between two countries',
    resource: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
    observedAt: T0 + i * 1000,
    receivedAt: T0 + i * 1000 + 50,
    ...overrides,
  }));
}

function approval(overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    enrollmentId: 'enr-123',
    solution: {
      id: 'rapid7-insightvm',
      name: 'Rapid7 InsightVM',
      vendor: 'Rapid7',
      family: 'va',
      consoleUrl: 'https://insight.rapid7.example/console',
      description: 'Vulnerability assessment for the EU estate',
      version: 1,
    },
    requestedBy: 'slack:U0123ABC',
    requestedAt: T0,
    ...overrides,
  };
}

/** Numbers shown in a digest summary like ":red_circle: Unhealthy: *3*". */
function summaryCounts(message: SlackMessage): Record<string, number> {
  const summary = textFields(blocksOf(message)[1]).join('');
  const counts: Record<string, number> = {};
  for (const m of summary.matchAll(/([A-Z][a-z]+(?: [a-z]+)?): \*(\d+)\*/g))
    counts[m[1] as string] = Number(m[2]);
  return counts;
}

// ---------------------------------------------------------------------------------------------------------
// Incident messages
// ---------------------------------------------------------------------------------------------------------

describe('incidentMessage', () => {
  describe('when a solution has just become unhealthy', () => {
    const message = incidentMessage(incident({ lastMessage: 'scanner appliance offline' }));

    it('is valid Block Kit', () => {
      expectValidMessage(message);
    });

    it('names the state, the solution and the reason', () => {
      expect(message.text).toBe('Unhealthy: Qualys VM: unhealthy report 5m ago');
      const text = allText(message);
      expect(text).toContain('Unhealthy');
      expect(text).toContain('*Qualys VM* (Qualys)');
      expect(text).toContain('unhealthy report 5m ago');
      expect(text).toContain('scanner appliance offline');
      expect(text).toContain('Since <!date^1700000000^');
    });

    it('offers Acknowledge, Snooze and View', () => {
      expect(actionIds(message)).toEqual(['incident_ack', 'incident_snooze', 'solution_view']);
    });

    it('offers snoozes of 1h, 4h, 24h and until recovered', () => {
      const overflow = button(message, 'incident_snooze');
      const durations = (overflow.options as Json[]).map((o) => JSON.parse(String(o.value)).d);
      expect(durations).toEqual(['1h', '4h', '24h', 'recovered']);
    });

    it('carries the solution, flip and version on Acknowledge to refuse stale clicks', () => {
      expect(JSON.parse(String(button(message, 'incident_ack').value))).toEqual({
        s: 'qualys-vm',
        f: 'flip-1',
        v: 3,
      });
    });
  });

  describe('when a solution has stopped reporting', () => {
    const message = incidentMessage(
      incident({ state: 'stopped_reporting', reason: 'last health report 3h ago, expected every 1h' }),
    );

    it('is valid Block Kit and says stopped reporting with the reason', () => {
      expectValidMessage(message);
      expect(message.text).toBe('Stopped reporting: Qualys VM: last health report 3h ago, expected every 1h');
      expect(allText(message)).toContain('Stopped reporting');
    });
  });

  describe('when the incident has been acknowledged', () => {
    const message = incidentMessage(incident({ acknowledgedBy: 'U0123ABC' }));

    it('is valid Block Kit', () => {
      expectValidMessage(message);
    });

    it('says who acknowledged it and drops the Acknowledge button', () => {
      expect(allText(message)).toContain('Acknowledged by <@U0123ABC>');
      expect(actionIds(message)).toEqual(['incident_snooze', 'solution_view']);
    });
  });

  describe('when the acknowledging id is not a user id', () => {
    it('does not build a mention from it', () => {
      const message = incidentMessage(incident({ acknowledgedBy: '<!channel>' }));
      expectValidMessage(message);
      expect(allText(message)).toContain('Acknowledged by &lt;!channel&gt;');
      expect(allText(message)).not.toContain('<!channel');
    });
  });

  describe('when the incident is snoozed for a time', () => {
    const message = incidentMessage(incident({ snoozedUntil: T0 + 4 * HOUR }));

    it('is valid Block Kit and shows until when', () => {
      expectValidMessage(message);
      expect(allText(message)).toContain(`Snoozed until <!date^${(T0 + 4 * HOUR) / 1000}^`);
    });
  });

  describe('when the incident is snoozed until it recovers', () => {
    const message = incidentMessage(incident({ snoozedUntil: Number.POSITIVE_INFINITY }));

    it('is valid Block Kit and says until it recovers', () => {
      expectValidMessage(message);
      expect(allText(message)).toContain('Snoozed until it recovers');
    });
  });

  describe('when the incident is resolved', () => {
    const message = incidentMessage(
      incident({
        acknowledgedBy: 'U0123ABC',
        snoozedUntil: Number.POSITIVE_INFINITY,
        resolved: { state: 'healthy', at: T0 + 2 * HOUR, reason: 'healthy report 1m ago' },
      }),
    );

    it('is valid Block Kit', () => {
      expectValidMessage(message);
    });

    it('says it recovered, to what, and after how long', () => {
      expect(message.text).toBe('Recovered: Qualys VM is Healthy again');
      const text = allText(message);
      expect(text).toContain('*recovered*');
      expect(text).toContain('Healthy');
      expect(text).toContain('after 2h unhealthy');
      expect(text).toContain('Acknowledged by <@U0123ABC>');
    });

    it('no longer shows the snooze nor offers Acknowledge or Snooze', () => {
      expect(allText(message)).not.toContain('Snoozed');
      expect(actionIds(message)).toEqual(['solution_view']);
    });
  });
});

describe('incidentMessage for the longest solution id', () => {
  const longId = `a${'b'.repeat(63)}`;
  const message = incidentMessage(
    incident({ solution: { ...SOLUTION, id: longId }, flipId: 'f'.repeat(40) }),
  );

  it('keeps every button and option value within Slack limits', () => {
    expectValidMessage(message);
    expect(JSON.parse(String(button(message, 'solution_view').value))).toEqual({ s: longId });
  });
});

describe('incidentReply', () => {
  describe('when the solution recovers', () => {
    const message = incidentReply(
      SOLUTION,
      'unhealthy',
      'healthy',
      'healthy report 1m ago',
      T0,
      T0 + 90 * MIN,
    );

    it('is valid Block Kit and says it recovered after how long', () => {
      expectValidMessage(message);
      expect(message.text).toContain('*Qualys VM* recovered');
      expect(message.text).toContain('now *Healthy*');
      expect(message.text).toContain('after 1h 30m unhealthy');
      expect(message.text).toContain('healthy report 1m ago');
    });
  });

  describe('when the incident escalates', () => {
    const message = incidentReply(
      SOLUTION,
      'unhealthy',
      'stopped_reporting',
      'last health report 3h ago, expected every 1h',
      T0,
      T0 + 3 * HOUR,
    );

    it('is valid Block Kit and says what it became and what it was', () => {
      expectValidMessage(message);
      expect(message.text).toContain('*Qualys VM* is now *Stopped reporting* (was Unhealthy)');
      expect(message.text).toContain('last health report 3h ago, expected every 1h');
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Digests
// ---------------------------------------------------------------------------------------------------------

describe('digestMessage', () => {
  describe.each([1, 50, 10_000])('with %i flips', (n) => {
    const message = digestMessage(digestEntries(n), T0);

    it('is valid Block Kit within the limits', () => {
      expectValidMessage(message);
    });

    it(`says ${n} in the header and the top-level text`, () => {
      expect(textFields(blocksOf(message)[0])).toEqual([`${n} security solutions changed state`]);
      expect(message.text.startsWith(`${n} security solutions changed state`)).toBe(true);
    });

    it('has summary counts that add up to the total', () => {
      const counts = summaryCounts(message);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(n);
      const bad = (counts.Unhealthy ?? 0) + (counts['Stopped reporting'] ?? 0);
      expect(message.text).toBe(`${n} security solutions changed state, ${bad} need attention`);
    });

    it('accounts for every flip: shown lines plus "…and N more" make the total', () => {
      const text = textFields(blocksOf(message).slice(2)).join('\n');
      const shown = text.split('\n').filter((line) => /^:[a-z_]+: \*/.test(line)).length;
      const more = [...text.matchAll(/…and (\d+) more/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      expect(shown).toBeGreaterThan(0);
      expect(shown + more).toBe(n);
    });
  });

  describe('when the same solution flips more than once', () => {
    const message = digestMessage(
      [
        { solutionId: 'a', name: 'Alpha', to: 'unhealthy', reason: 'first' },
        { solutionId: 'b', name: 'Beta', to: 'stopped_reporting', reason: 'silent' },
        { solutionId: 'a', name: 'Alpha', to: 'healthy', reason: 'recovered later' },
      ],
      T0,
    );

    it('counts the solution once, in its latest state', () => {
      expectValidMessage(message);
      expect(textFields(blocksOf(message)[0])).toEqual(['2 security solutions changed state']);
      expect(summaryCounts(message)).toEqual({ 'Stopped reporting': 1, Healthy: 1 });
      expect(message.text).toBe('2 security solutions changed state, 1 need attention');
      const text = allText(message);
      expect(text).toContain('recovered later');
      expect(text).not.toContain('first');
    });
  });

  describe('when flips of every state are mixed', () => {
    it('lists the worst first', () => {
      const message = digestMessage(
        [
          { solutionId: 'h', name: 'H', to: 'healthy', reason: 'ok' },
          { solutionId: 'n', name: 'N', to: 'not_reported', reason: 'new' },
          { solutionId: 's', name: 'S', to: 'stopped_reporting', reason: 'silent' },
          { solutionId: 'u', name: 'U', to: 'unhealthy', reason: 'bad' },
        ],
        T0,
      );
      const lines = textFields(blocksOf(message)[2]).join('').split('\n');
      expect(lines.map((l) => /\*(\w)\*/.exec(l)?.[1])).toEqual(['U', 'S', 'N', 'H']);
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Security events
// ---------------------------------------------------------------------------------------------------------

describe('eventBatchMessage', () => {
  describe('with one event', () => {
    const message = eventBatchMessage(SOLUTION, events(1));

    it('is valid Block Kit and speaks of one event', () => {
      expectValidMessage(message);
      const text = allText(message);
      expect(text).toContain('*1 security event* from *Qualys VM*');
      expect(text).toContain('*CRITICAL* Suspicious sign-in 0');
      expect(text).toContain('id `evt-0`');
      expect(text).not.toContain('more events');
      expect(message.text).toBe('1 security event(s) from Qualys VM: critical Suspicious sign-in 0');
    });
  });

  describe('with 500 events', () => {
    const message = eventBatchMessage(SOLUTION, events(500));

    it('is valid Block Kit within 50 blocks', () => {
      expectValidMessage(message);
    });

    it('shows the total and says how many more there are', () => {
      const text = allText(message);
      expect(text).toContain('*500 security events*');
      const shown = (text.match(/id `evt-\d+`/g) ?? []).length;
      expect(shown).toBeGreaterThan(0);
      expect(text).toContain(`…and ${500 - shown} more events.`);
    });
  });

  describe('with events the byte budget dropped before it was sent', () => {
    const [kept] = events(1);
    const message = eventBatchMessage(SOLUTION, [
      { id: 'gone-1', dropped: true },
      kept as SecurityEvent,
      { id: 'gone-2', dropped: true },
    ]);

    it('is valid Block Kit, lists each dropped event by id and says how many are gone', () => {
      expectValidMessage(message);
      const text = allText(message);
      expect(text).toContain('*3 security events* from *Qualys VM*');
      expect(text).toContain('id `gone-1` (dropped: over budget)');
      expect(text).toContain('*CRITICAL* Suspicious sign-in 0');
      expect(text).toContain('2 of them no longer stored (dropped: over budget).');
      expect(message.text).toBe('3 security event(s) from Qualys VM: critical Suspicious sign-in 0');
    });

    it('still has a notification text when none is stored any more', () => {
      const gone = eventBatchMessage(SOLUTION, [{ id: 'gone-1', dropped: true }]);
      expectValidMessage(gone);
      expect(gone.text).toBe('1 security event(s) from Qualys VM, no longer stored');
    });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Approvals and ops notices
// ---------------------------------------------------------------------------------------------------------

describe('approvalRequestMessage', () => {
  describe('when the request is pending', () => {
    const message = approvalRequestMessage(approval());

    it('is valid Block Kit', () => {
      expectValidMessage(message);
    });

    it('describes the solution and who asked', () => {
      const text = allText(message);
      expect(text).toContain('*Rapid7 InsightVM* (Rapid7, va) asks to be connected');
      expect(text).toContain('Vulnerability assessment for the EU estate');
      expect(text).toContain(
        '<https://insight.rapid7.example/console|https://insight.rapid7.example/console>',
      );
      expect(text).toContain('Requested by <@U0123ABC>');
      expect(message.text).toBe('Rapid7 InsightVM asks to be connected to secsol');
    });

    it('offers Approve and Deny carrying the enrollment, solution and version', () => {
      expect(actionIds(message)).toEqual(['enrollment_approve', 'enrollment_deny']);
      const approve = button(message, 'enrollment_approve');
      const deny = button(message, 'enrollment_deny');
      expect(textFields(approve)).toEqual(['Approve']);
      expect(textFields(deny)[0]).toBe('Deny');
      expect(JSON.parse(String(approve.value))).toEqual({ e: 'enr-123', s: 'rapid7-insightvm', v: 1 });
      expect(deny.confirm).toBeDefined();
    });
  });

  describe('when the request was approved', () => {
    const message = approvalRequestMessage(
      approval({ decision: { status: 'approved', by: 'slack:U0456DEF', at: T0 + HOUR } }),
    );

    it('is valid Block Kit with no buttons left', () => {
      expectValidMessage(message);
      expect(actionElements(message)).toEqual([]);
    });

    it('says who approved it and when', () => {
      expect(allText(message)).toContain(`Approved by <@U0456DEF> <!date^${(T0 + HOUR) / 1000}^`);
      expect(message.text).toBe('Connection of Rapid7 InsightVM approved');
    });
  });

  describe('when the request was denied through the admin API', () => {
    const message = approvalRequestMessage(
      approval({ decision: { status: 'denied', by: 'admin-api', at: T0 + HOUR } }),
    );

    it('is valid Block Kit, has no buttons and says who denied it', () => {
      expectValidMessage(message);
      expect(actionElements(message)).toEqual([]);
      expect(allText(message)).toContain('Denied by the admin API');
      expect(message.text).toBe('Connection of Rapid7 InsightVM denied');
    });
  });

  describe('when the solution enrolled itself and has no console URL or description', () => {
    it('is valid Block Kit and says it came from self-enrollment', () => {
      const base = approval();
      const message = approvalRequestMessage({
        ...base,
        requestedBy: 'enrollment-api',
        solution: { ...base.solution, consoleUrl: undefined, description: undefined },
      });
      expectValidMessage(message);
      expect(allText(message)).toContain('Requested by self-enrollment (API)');
      expect(allText(message)).not.toContain('Console:');
    });
  });
});

describe('opsNoticeMessage', () => {
  it('is valid Block Kit and carries the notice', () => {
    const message = opsNoticeMessage('evaluation was 5m late and has resumed');
    expectValidMessage(message);
    expect(message.text).toBe('evaluation was 5m late and has resumed');
    expect(allText(message)).toContain(':warning: *secsol*: evaluation was 5m late and has resumed');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Injection: user-controlled text must never notify anyone or become a link
// ---------------------------------------------------------------------------------------------------------

describe('when user-controlled text tries to notify or phish', () => {
  const INJECTION = '<!channel> &<@U999> <https://evil.example|login>';
  const HOSTILE = `${INJECTION}${'\n'.repeat(200)}${'A'.repeat(10_000)}`;
  const ESCAPED = '&lt;!channel&gt; &amp;&lt;@U999&gt;';
  const FORBIDDEN = ['<!channel', '<@U999', '<https://evil'];

  const hostileSolution = { id: 'hostile', name: HOSTILE, vendor: HOSTILE, version: 1 };
  const hostileApproval = approval({
    requestedBy: HOSTILE,
    solution: {
      id: 'hostile',
      name: HOSTILE,
      vendor: HOSTILE,
      family: 'other',
      consoleUrl: INJECTION,
      description: HOSTILE,
      version: 1,
    },
  });

  const messages: [string, SlackMessage][] = [
    ['an unhealthy incident', incidentMessage(incident({ solution: hostileSolution, reason: HOSTILE }))],
    [
      'an incident with a last message, acknowledged by a hostile id',
      incidentMessage(
        incident({
          solution: hostileSolution,
          state: 'stopped_reporting',
          reason: HOSTILE,
          lastMessage: HOSTILE,
          acknowledgedBy: INJECTION,
          snoozedUntil: T0 + HOUR,
        }),
      ),
    ],
    [
      'a resolved incident',
      incidentMessage(
        incident({
          solution: hostileSolution,
          reason: HOSTILE,
          resolved: { state: 'healthy', at: T0 + HOUR, reason: HOSTILE },
        }),
      ),
    ],
    ['a recovery reply', incidentReply(hostileSolution, 'unhealthy', 'healthy', HOSTILE, T0, T0 + HOUR)],
    [
      'an escalation reply',
      incidentReply(hostileSolution, 'unhealthy', 'stopped_reporting', HOSTILE, T0, T0 + HOUR),
    ],
    [
      'a digest',
      digestMessage(
        Array.from({ length: 30 }, (_, i) => ({
          solutionId: `hostile-${i}`,
          name: HOSTILE,
          to: STATES[i % STATES.length] as HealthState,
          reason: HOSTILE,
        })),
        T0,
      ),
    ],
    [
      'an event batch',
      eventBatchMessage(
        { id: 'hostile', name: HOSTILE },
        events(12, { id: HOSTILE, title: HOSTILE, description: HOSTILE, resource: HOSTILE }),
      ),
    ],
    ['a pending approval request', approvalRequestMessage(hostileApproval)],
    [
      'a decided approval request',
      approvalRequestMessage({ ...hostileApproval, decision: { status: 'denied', by: HOSTILE, at: T0 } }),
    ],
    [
      'an approval decided by a hostile Slack actor',
      approvalRequestMessage({
        ...hostileApproval,
        decision: { status: 'approved', by: `slack:${INJECTION}`, at: T0 },
      }),
    ],
  ];

  describe.each(messages)('in %s', (_name, message) => {
    it('is still valid Block Kit within the limits', () => {
      expectValidMessage(message);
    });

    it('contains none of the injected control sequences anywhere', () => {
      const strings = allStrings(json(message));
      for (const forbidden of FORBIDDEN) {
        const offending = strings.filter((s) => s.includes(forbidden));
        expect(offending, `found ${forbidden}`).toEqual([]);
      }
    });

    it('shows the injected text escaped', () => {
      expect(textFields(json(message)).some((s) => s.includes(ESCAPED))).toBe(true);
    });

    it('sets neither link_names nor parse', () => {
      expect(hasKey(message, 'link_names')).toBe(false);
      expect(hasKey(message, 'parse')).toBe(false);
    });
  });
});

describe('messages at the longest input the API accepts', () => {
  it('keep the approval request within Slack limits (a 200-character name, 2,000-character description, 2,000-character console URL)', () => {
    const message = approvalRequestMessage({
      enrollmentId: 'enr-00000000-0000-0000-0000-000000000000',
      solution: {
        id: 'long',
        name: 'N'.repeat(200),
        vendor: 'V'.repeat(200),
        family: 'va',
        consoleUrl: `https://console.example.com/${'p'.repeat(1960)}`,
        description: '<&>'.repeat(666),
        version: 1,
      },
      requestedBy: 'enrollment-api',
      requestedAt: 0,
    });
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
  });
});

describe('when a name carries mrkdwn formatting (issue 8, item 6)', () => {
  // Slack has no escape for `*`, `_`, `~` and backticks: each is drawn as an inert look-alike instead.
  const NAME = '*bold* _it_ ~s~ `c`';
  const SHOWN = '\u2217bold\u2217 \u02cdit\u02cd \u223cs\u223c \u02cbc\u02cb';
  const named = { id: 'formatted', name: NAME, vendor: NAME, version: 1 };

  const messages: [string, SlackMessage][] = [
    ['an incident', incidentMessage(incident({ solution: named }))],
    ['a recovery reply', incidentReply(named, 'unhealthy', 'healthy', 'ok', T0, T0 + HOUR)],
    ['a digest', digestMessage([{ solutionId: named.id, name: NAME, to: 'unhealthy', reason: NAME }], T0)],
    ['an event batch', eventBatchMessage(named, events(2, { title: NAME, description: NAME }))],
    [
      'an approval request',
      approvalRequestMessage(approval({ solution: { ...SOLUTION, ...named, family: 'other' } })),
    ],
  ];

  describe.each(messages)('in %s', (_name, message) => {
    const texts = textFields(json(message));

    it('shows the name with no formatting character of its own', () => {
      const withName = texts.filter((t) => t.includes(SHOWN));
      expect(withName.length).toBeGreaterThan(0);
      expect(texts.filter((t) => t.includes('*bold*') || t.includes('_it_') || t.includes('~s~'))).toEqual(
        [],
      );
    });

    it("keeps secsol's own bold around the name closed", () => {
      // Every `*` left in a text is secsol's: they pair up, and a bold name is `*<name>*`.
      for (const t of texts) expect(t.split('*').length % 2, t).toBe(1);
      const bolded = texts.filter((t) => t.includes(`*${SHOWN}`));
      expect(bolded.length).toBeGreaterThan(0);
      for (const t of bolded) expect(t).toMatch(new RegExp(`\\*${SHOWN}[^*\\n]*\\*`));
    });

    it('is still valid Block Kit within the limits', () => {
      expectValidMessage(message);
    });
  });
});
