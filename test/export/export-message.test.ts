/** Export entries (as the commit scripts store them) and the JSON body a SIEM receives. */
import { describe, expect, it } from 'vitest';
import { exportBody, exportMessageId, parseExportEntry } from '../../src/export/export-message.js';

const solution = {
  solutionId: 'qualys-va',
  name: 'Qualys <VA>',
  vendor: 'Qualys',
  family: 'va',
  source: 'push',
};
const flipEntry = {
  type: 'flip',
  id: exportMessageId('flip', 'qualys-va', 1_700_000_000_000, 'flip-qualys-va-3'),
  ...solution,
  queuedAt: '1735689600500',
  flipId: 'flip-qualys-va-3',
  at: '1735689600000',
  from: 'healthy',
  to: 'stopped_reporting',
  reason: 'last health report 3h ago, expected every 1h',
};
const event = {
  id: 'alert-42',
  solutionId: 'qualys-va',
  severity: 'low',
  title: 'Port scan',
  resource: 'vm-1',
  observedAt: 1_735_689_000_000,
  receivedAt: 1_735_689_600_000,
  properties: { port: 22 },
};
const eventEntry = {
  type: 'event',
  id: exportMessageId('event', 'qualys-va', 1_700_000_000_000, 'alert-42'),
  ...solution,
  queuedAt: '1735689600000',
  event: JSON.stringify(event),
};

function parsed(raw: unknown) {
  const result = parseExportEntry(JSON.stringify(raw));
  if ('error' in result) throw new Error(result.error);
  return result.entry;
}

describe('exportBody', () => {
  it('renders a flip as { type, id, at, solution, data: { from, to, reason } }', () => {
    expect(JSON.parse(exportBody(parsed(flipEntry)))).toEqual({
      type: 'flip',
      id: flipEntry.id,
      at: '2025-01-01T00:00:00.000Z',
      solution: { id: 'qualys-va', name: 'Qualys <VA>', vendor: 'Qualys', family: 'va', source: 'push' },
      data: {
        flipId: 'flip-qualys-va-3',
        from: 'healthy',
        to: 'stopped_reporting',
        reason: 'last health report 3h ago, expected every 1h',
      },
    });
  });

  it("renders an event with the event's fields, at its observed time", () => {
    expect(JSON.parse(exportBody(parsed(eventEntry)))).toEqual({
      type: 'event',
      id: eventEntry.id,
      at: '2024-12-31T23:50:00.000Z',
      solution: { id: 'qualys-va', name: 'Qualys <VA>', vendor: 'Qualys', family: 'va', source: 'push' },
      data: {
        id: 'alert-42',
        severity: 'low',
        title: 'Port scan',
        resource: 'vm-1',
        observedAt: '2024-12-31T23:50:00.000Z',
        receivedAt: '2025-01-01T00:00:00.000Z',
        properties: { port: 22 },
      },
    });
  });

  it('is the same bytes every time (a retry sends what the first attempt sent)', () => {
    expect(exportBody(parsed(eventEntry))).toBe(exportBody(parsed({ ...eventEntry })));
  });
});

describe('exportMessageId', () => {
  it('is stable, and differs per source id, type and solution incarnation', () => {
    const id = exportMessageId('flip', 's', 1, 'flip-s-1');
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(exportMessageId('flip', 's', 1, 'flip-s-1')).toBe(id);
    expect(exportMessageId('flip', 's', 1, 'flip-s-2')).not.toBe(id);
    expect(exportMessageId('event', 's', 1, 'flip-s-1')).not.toBe(id);
    expect(exportMessageId('flip', 's', 2, 'flip-s-1')).not.toBe(id);
  });
});

describe('parseExportEntry', () => {
  it('reports an unreadable or invalid entry, with its id when it has a valid one', () => {
    expect(parseExportEntry('not json')).toMatchObject({ error: expect.stringContaining('invalid') });
    const broken = parseExportEntry(JSON.stringify({ ...flipEntry, to: 'on_fire' }));
    expect(broken).toMatchObject({ id: flipEntry.id });
    const badEvent = parseExportEntry(JSON.stringify({ ...eventEntry, event: '{"id":1}' }));
    expect(badEvent).toMatchObject({ id: eventEntry.id, error: expect.stringContaining('event') });
  });
});
