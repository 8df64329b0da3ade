import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/duration.js';

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  describe('when the text is a whole number and a unit', () => {
    it.each([
      ['500ms', 500],
      ['90s', 90 * SEC],
      ['15m', 15 * MIN],
      ['1h', HOUR],
      ['14d', 14 * DAY],
      ['0s', 0],
      ['1ms', 1],
    ])('reads %s as %i ms', (text, ms) => {
      expect(parseDuration(text)).toBe(ms);
    });
  });

  describe('when the text has surrounding whitespace', () => {
    it.each([' 1h ', '\t15m\n', '  90s'])('trims %j and accepts it', (text) => {
      expect(parseDuration(text)).toBe(parseDuration(text.trim()));
      expect(parseDuration(text)).not.toBeNull();
    });
  });

  describe('when the text is not a duration', () => {
    it.each([
      '',
      '   ',
      '1',
      'h',
      '1w',
      '-1s',
      '+1s',
      '1.5h',
      '1e3ms',
      '1 h',
      '1h30m',
      '1H',
      'soon',
      '0x10s',
      'Infinity ms',
    ])('rejects %j', (text) => {
      expect(parseDuration(text)).toBeNull();
    });
  });

  describe('when the amount overflows a safe integer', () => {
    it.each(['9007199254740992ms', '99999999999999999999ms', '104249992d', `${'9'.repeat(400)}d`])(
      'returns null for %s',
      (text) => {
        expect(parseDuration(text)).toBeNull();
      },
    );

    it('still accepts the largest safe amounts', () => {
      expect(parseDuration(`${Number.MAX_SAFE_INTEGER}ms`)).toBe(Number.MAX_SAFE_INTEGER);
      expect(parseDuration('104249991d')).toBe(104_249_991 * DAY);
    });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [999, '999ms'],
    [45_000, '45s'],
    [90 * SEC, '1m 30s'],
    [HOUR, '1h'],
    [3 * HOUR + 5 * MIN, '3h 5m'],
    [14 * DAY, '14d'],
    [DAY + HOUR + MIN, '1d 1h'],
    [DAY + HOUR + MIN + SEC, '1d 1h'],
  ])('renders %i ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('renders a negative duration by its size', () => {
    expect(formatDuration(-3 * HOUR)).toBe('3h');
  });

  describe('when read back by parseDuration', () => {
    it.each(['500ms', '90s', '15m', '1h', '14d'])('a single-unit %s round-trips', (text) => {
      const ms = parseDuration(text) as number;
      const formatted = formatDuration(ms);
      expect(formatted.split(' ').reduce((sum, part) => sum + (parseDuration(part) ?? Number.NaN), 0)).toBe(
        ms,
      );
    });
  });
});
