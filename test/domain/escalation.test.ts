import { describe, expect, it } from 'vitest';
import { escalationDecision, type IncidentFacts, UNTIL_RECOVERED } from '../../src/domain/incident.js';

const now = 1_000_000;
const open: IncidentFacts = {
  state: 'unhealthy',
  incidentFlip: 'flip-a-1',
  facts: { lastHealthStatus: 'unhealthy' },
};

describe('escalationDecision', () => {
  it('escalates the open incident nobody acknowledged', () => {
    expect(escalationDecision(open, 'flip-a-1', now, false)).toBe('escalate');
  });
  it('is cancelled by an acknowledgement, a recovery, a newer incident or a deleted solution', () => {
    expect(escalationDecision({ ...open, acknowledgedBy: 'U1' }, 'flip-a-1', now, false)).toBe('cancel');
    expect(escalationDecision({ ...open, incidentFlip: undefined }, 'flip-a-1', now, false)).toBe('cancel');
    expect(escalationDecision({ ...open, incidentFlip: 'flip-a-3' }, 'flip-a-1', now, false)).toBe('cancel');
    expect(escalationDecision(null, 'flip-a-1', now, false)).toBe('cancel');
  });
  it('is cancelled by a snooze in force (also until recovered) and by maintenance, not by an ended snooze', () => {
    expect(escalationDecision({ ...open, snoozedUntil: now + 1 }, 'flip-a-1', now, false)).toBe('cancel');
    expect(escalationDecision({ ...open, snoozedUntil: UNTIL_RECOVERED }, 'flip-a-1', now, false)).toBe(
      'cancel',
    );
    expect(escalationDecision({ ...open, snoozedUntil: now }, 'flip-a-1', now, false)).toBe('escalate');
    expect(escalationDecision(open, 'flip-a-1', now, true)).toBe('cancel');
  });
});
