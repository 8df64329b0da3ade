/** `/secsol` text to commands: every subcommand, names with spaces and quotes, and what is refused. */
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/slack/listeners/commands/parse-command.js';

describe('parseCommand', () => {
  it.each([
    ['', { kind: 'status' }],
    ['   ', { kind: 'status' }],
    ['status', { kind: 'status' }],
    ['STATUS', { kind: 'status' }],
    ['help', { kind: 'help' }],
    ['discovered', { kind: 'discovered' }],
    ['sources', { kind: 'sources' }],
    ['add', { kind: 'sources' }],
    ['alerts', { kind: 'alerts', ref: null }],
    ['alerts qualys', { kind: 'alerts', ref: 'qualys' }],
    ['view qualys', { kind: 'view', ref: 'qualys' }],
    ['view  Qualys   VA ', { kind: 'view', ref: 'Qualys VA' }],
    ['view "Qualys VA"', { kind: 'view', ref: 'Qualys VA' }],
    ['view &lt;!channel&gt; &amp; co', { kind: 'view', ref: '<!channel> & co' }],
    ['history qualys', { kind: 'history', ref: 'qualys' }],
    ['unsnooze qualys', { kind: 'unsnooze', ref: 'qualys' }],
    ['snooze qualys 30m', { kind: 'snooze', ref: 'qualys', until: { ms: 1_800_000, text: '30m' } }],
    ['snooze Qualys VA 4h', { kind: 'snooze', ref: 'Qualys VA', until: { ms: 14_400_000, text: '4h' } }],
    ['snooze "Qualys VA" 1d', { kind: 'snooze', ref: 'Qualys VA', until: { ms: 86_400_000, text: '1d' } }],
    ['snooze qualys 30d', { kind: 'snooze', ref: 'qualys', until: { ms: 30 * 86_400_000, text: '30d' } }],
    ['snooze qualys recovered', { kind: 'snooze', ref: 'qualys', until: 'recovered' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['frobnicate', 'Unknown command "frobnicate"'],
    ['view', 'Which solution?'],
    ['history', 'Which solution?'],
    ['unsnooze', 'Which solution?'],
    ['snooze', 'for how long'],
    ['snooze qualys', 'for how long'],
    ['snooze qualys soon', 'is not a duration'],
    ['snooze qualys -1h', 'is not a duration'],
    ['snooze qualys 31d', 'at most 30d'],
    ['snooze qualys 999999999999999999d', 'is not a duration'],
    ['snooze qualys 30s', 'at least 1m'],
    [`view ${'x'.repeat(600)}`, 'too long'],
  ])('refuses %j with an explanation', (text, problem) => {
    const cmd = parseCommand(text);
    expect(cmd.kind).toBe('invalid');
    expect(cmd.kind === 'invalid' && cmd.problem).toContain(problem);
  });
});
