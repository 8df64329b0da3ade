/**
 * The incident lifecycle as a specification: pure functions of the stored facts and `now`.
 */
import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  bareUser,
  type Change,
  holdsFlip,
  type IncidentFacts,
  isSnoozed,
  open,
  openDisplay,
  remindDecision,
  reopenCandidate,
  resolve,
  resolvedDisplay,
  shownState,
  snooze,
  UNTIL_RECOVERED,
  unsnooze,
} from '../../src/domain/incident.js';

const NOW = 1_700_000_000_000;
const MIN = 60_000;

function facts(over: Partial<IncidentFacts> = {}): IncidentFacts {
  return { state: 'unhealthy', incidentFlip: 'flip-a-2', facts: { lastHealthStatus: 'unhealthy' }, ...over };
}

const incident: Change = {
  id: 'flip-a-2',
  from: 'healthy',
  to: 'unhealthy',
  at: NOW - 10 * MIN,
  reason: 'disk full',
};

describe('is it snoozed at now', () => {
  it('is snoozed until the instant passes, and until recovery for a snooze "until recovered"', () => {
    expect(isSnoozed(facts(), NOW)).toBe(false);
    expect(isSnoozed(facts({ snoozedUntil: NOW + 1 }), NOW)).toBe(true);
    expect(isSnoozed(facts({ snoozedUntil: NOW }), NOW)).toBe(false);
    expect(isSnoozed(facts({ snoozedUntil: UNTIL_RECOVERED }), NOW)).toBe(true);
  });

  it('holds new incidents and escalations while snoozed, never a recovery', () => {
    const snoozed = facts({ snoozedUntil: NOW + MIN });
    expect(holdsFlip(snoozed, 'incident', NOW)).toBe(true);
    expect(holdsFlip(snoozed, 'escalation', NOW)).toBe(true);
    expect(holdsFlip(snoozed, 'recovery', NOW)).toBe(false);
    expect(holdsFlip(facts({ snoozedUntil: NOW - MIN }), 'incident', NOW)).toBe(false);
  });
});

describe('open, acknowledge, snooze, unsnooze', () => {
  it('a posted incident becomes the open one', () => {
    expect(open('flip-a-2')).toEqual({ incidentFlip: 'flip-a-2' });
  });

  it('anyone may acknowledge the open incident, once; an older incident is over', () => {
    expect(acknowledge(facts(), 'flip-a-2', 'U1')).toEqual({
      kind: 'apply',
      patch: { acknowledgedBy: 'U1' },
    });
    expect(acknowledge(facts({ acknowledgedBy: 'slack:U1' }), 'flip-a-2', 'U2')).toEqual({
      kind: 'already',
      by: 'U1',
    });
    expect(acknowledge(facts(), 'flip-a-1', 'U1')).toEqual({ kind: 'over' });
    expect(acknowledge(facts({ incidentFlip: undefined }), 'flip-a-2', 'U1')).toEqual({ kind: 'over' });
  });

  it('a snooze records until when and who; unsnooze says whether alerts were held', () => {
    expect(snooze(NOW + MIN, 'U1')).toEqual({ snoozedUntil: NOW + MIN, snoozedBy: 'U1' });
    expect(unsnooze(facts({ snoozedUntil: NOW + MIN }), NOW)).toEqual({
      patch: { snoozedUntil: null, snoozedBy: null },
      wasSnoozed: true,
    });
    expect(unsnooze(facts({ snoozedUntil: NOW - MIN }), NOW).wasSnoozed).toBe(false);
  });

  it('mentions need bare user ids, however they were stored', () => {
    expect(bareUser('slack:U1')).toBe('U1');
    expect(bareUser('U1')).toBe('U1');
    expect(bareUser('')).toBeUndefined();
  });
});

describe('resolve and reopen on flap', () => {
  it('closes the incident and its acknowledgement, remembering it when it had a message of its own', () => {
    expect(resolve(facts({ acknowledgedBy: 'U1' }), 'flip-a-2', NOW)).toEqual({
      incidentFlip: null,
      acknowledgedBy: null,
      lastIncidentFlip: 'flip-a-2',
      lastResolvedAt: NOW,
    });
    expect(resolve(facts(), undefined, NOW)).toEqual({ incidentFlip: null, acknowledgedBy: null });
  });

  it('ends a snooze "until it recovers", and only that one', () => {
    expect(resolve(facts({ snoozedUntil: UNTIL_RECOVERED }), undefined, NOW)).toMatchObject({
      snoozedUntil: null,
      snoozedBy: null,
    });
    expect(resolve(facts({ snoozedUntil: NOW + MIN }), undefined, NOW)).not.toHaveProperty('snoozedUntil');
  });

  it('a relapse within the flap window reopens the last incident', () => {
    const resolved = facts({
      incidentFlip: undefined,
      lastIncidentFlip: 'flip-a-2',
      lastResolvedAt: NOW - 5 * MIN,
    });
    expect(reopenCandidate(resolved, NOW, 10 * MIN)).toBe('flip-a-2');
    expect(reopenCandidate(resolved, NOW, 5 * MIN)).toBe('flip-a-2');
    expect(reopenCandidate(resolved, NOW, 4 * MIN)).toBeNull();
    expect(reopenCandidate(facts(), NOW, 10 * MIN)).toBeNull();
  });
});

describe('remind', () => {
  it('reminds an open incident nobody took, skips a snoozed one, cancels a closed or acknowledged one', () => {
    expect(remindDecision(facts(), 'flip-a-2', NOW)).toBe('remind');
    expect(remindDecision(facts({ snoozedUntil: NOW + MIN }), 'flip-a-2', NOW)).toBe('skip');
    expect(remindDecision(facts({ acknowledgedBy: 'U1' }), 'flip-a-2', NOW)).toBe('cancel');
    expect(remindDecision(facts(), 'flip-a-1', NOW)).toBe('cancel');
    expect(remindDecision(null, 'flip-a-2', NOW)).toBe('cancel');
  });
});

describe('what the open incident message shows', () => {
  it('the state told, since the incident opened, who acknowledged it', () => {
    const shown = openDisplay(
      facts({ acknowledgedBy: 'slack:U1' }),
      incident,
      { state: 'unhealthy', reason: 'x' },
      NOW,
    );
    expect(shown).toMatchObject({
      state: 'unhealthy',
      reason: 'x',
      since: incident.at,
      acknowledgedBy: 'U1',
    });
  });

  it('a snooze only while it is in force', () => {
    const told = { state: 'unhealthy' as const, reason: 'x' };
    expect(openDisplay(facts({ snoozedUntil: NOW - MIN }), incident, told, NOW).snoozedUntil).toBeUndefined();
    expect(openDisplay(facts({ snoozedUntil: NOW + MIN }), incident, told, NOW).snoozedUntil).toBe(NOW + MIN);
    expect(openDisplay(facts({ snoozedUntil: UNTIL_RECOVERED }), incident, told, NOW).snoozedUntil).toBe(
      UNTIL_RECOVERED,
    );
  });

  it('the last report message only when an unhealthy report explains an Unhealthy state', () => {
    const withMessage = (status: 'healthy' | 'unhealthy') =>
      facts({ lastHealthMessage: 'signatures stale', facts: { lastHealthStatus: status } });
    const unhealthy = { state: 'unhealthy' as const, reason: 'x' };
    const stopped = { state: 'stopped_reporting' as const, reason: 'x' };
    expect(openDisplay(withMessage('unhealthy'), incident, unhealthy, NOW).lastMessage).toBe(
      'signatures stale',
    );
    expect(openDisplay(withMessage('healthy'), incident, unhealthy, NOW).lastMessage).toBeUndefined();
    expect(openDisplay(withMessage('healthy'), incident, stopped, NOW).lastMessage).toBeUndefined();
    expect(openDisplay(withMessage('unhealthy'), incident, stopped, NOW).lastMessage).toBeUndefined();
  });

  it('re-rendered later, the state the solution is in now, with the reason of the change into it', () => {
    const escalated = { to: 'stopped_reporting' as const, reason: 'no report for 5m' };
    expect(shownState(facts({ state: 'stopped_reporting' }), incident, escalated)).toEqual({
      state: 'stopped_reporting',
      reason: 'no report for 5m',
    });
    // Recovered but not told yet: the incident's own state until the recovery edits the message.
    expect(shownState(facts({ state: 'healthy' }), incident, { to: 'healthy', reason: 'ok' })).toEqual({
      state: 'unhealthy',
      reason: 'disk full',
    });
  });
});

describe('what the resolved incident message shows', () => {
  const recovery: Change = {
    id: 'flip-a-4',
    from: 'stopped_reporting',
    to: 'healthy',
    at: NOW,
    reason: 'ok',
  };

  it("names the state it recovered from, as the thread reply does, and strikes that state's reason", () => {
    const escalation = { to: 'stopped_reporting' as const, reason: 'no report for 5m' };
    expect(resolvedDisplay(facts(), incident, recovery, escalation)).toMatchObject({
      state: 'stopped_reporting',
      reason: 'no report for 5m',
      since: incident.at,
      resolved: { state: 'healthy', at: NOW, reason: 'ok' },
    });
    expect(resolvedDisplay(facts(), incident, recovery, undefined).reason).toBe('disk full');
  });
});
