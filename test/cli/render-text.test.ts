/**
 * How local mode and `npm run slack` draw Slack text: as a Slack user reads it (bold, links, dates in
 * the reader's terms), escaped text visibly escaped, one emoji style, modal fields with their values.
 */
import { describe, expect, it } from 'vitest';
import { esc } from '../../src/slack/mrkdwn.js';
import { blocksToText, mrkdwnToText, readableDate, type TextStyle } from '../../src/slack/render-text.js';

const ESC = String.fromCharCode(27);
const utc: TextStyle = { ansi: false, locale: 'en-GB', timeZone: 'UTC' };
const tty: TextStyle = { ...utc, ansi: true };

describe('mrkdwn as terminal text', () => {
  it('draws *bold* as ANSI bold on a terminal and as the plain word elsewhere', () => {
    expect(mrkdwnToText('*Qualys VA* is _late_', tty)).toBe(
      `${ESC}[1mQualys VA${ESC}[22m is ${ESC}[3mlate${ESC}[23m`,
    );
    expect(mrkdwnToText('*Qualys VA* is _late_', utc)).toBe('Qualys VA is late');
    // Not emphasis: identifiers and arithmetic keep their characters.
    expect(mrkdwnToText('state not_reported, 2*3*4', utc)).toBe('state not_reported, 2*3*4');
  });

  it('shows a name neutralised for Slack as it was typed, inside the bold around it', () => {
    const name = '*bold* _it_ ~s~ `c`';
    expect(mrkdwnToText(`Alert for *${esc(name)}*`, utc)).toBe(`Alert for ${name}`);
    expect(mrkdwnToText(`Alert for *${esc(name)}*`, tty)).toBe(`Alert for \u001b[1m${name}\u001b[22m`);
  });

  it('shows links as label (url)', () => {
    expect(mrkdwnToText('<https://qualys.example/console|Open console>', utc)).toBe(
      'Open console (https://qualys.example/console)',
    );
    expect(mrkdwnToText('<https://qualys.example/>', utc)).toBe('https://qualys.example/');
  });

  it("shows dates in the reader's terms, not as Slack syntax or millisecond ISO times", () => {
    const sec = Date.UTC(2026, 10, 30, 18, 5) / 1000;
    const expected = readableDate(sec * 1000, utc);
    expect(expected).toMatch(/Mon 30 Nov.*18:05/);
    expect(mrkdwnToText(`since <!date^${sec}^{date_short_pretty} {time}|2026-11-30 18:05 UTC>`, utc)).toBe(
      `since ${expected}`,
    );
    expect(mrkdwnToText('observed 2026-11-30T18:05:00.123Z', utc)).toBe(`observed ${expected}`);
  });

  it('marks what secsol escaped, so that an escaped <!channel> is not mistaken for a mention', () => {
    const escaped = esc('hello <!channel> & <@U123>');
    const text = mrkdwnToText(escaped, utc);
    expect(text).toBe('hello ⟪escaped: <!channel>⟫ & ⟪escaped: <@U123>⟫');
    // A live mention reads as one.
    expect(mrkdwnToText('<!here> <@U0LOCALUSER>', utc)).toBe('@here @U0LOCALUSER');
    // Placeholders in help text are not mentions: shown as typed.
    expect(mrkdwnToText('`/secsol view &lt;solution&gt;`', utc)).toBe('`/secsol view <solution>`');
  });

  it('draws every emoji code secsol writes as an emoji, the same style everywhere', () => {
    for (const code of [':bell:', ':white_check_mark:', ':zzz:', ':warning:', ':alarm_clock:', ':link:']) {
      expect(mrkdwnToText(code, utc), code).not.toMatch(/^:[a-z_]+:$/);
    }
    expect(mrkdwnToText(':bell: :red_circle:', utc)).toBe('🔔 🔴');
  });
});

describe('Block Kit as terminal text', () => {
  it('prints a modal input with its initial value, and an empty one with its placeholder', () => {
    const text = blocksToText(
      [
        {
          type: 'input',
          block_id: 'cfg_name',
          label: { type: 'plain_text', text: 'Name' },
          element: { type: 'plain_text_input', action_id: 'cfg_name', initial_value: 'Qualys VA' },
        },
        {
          type: 'input',
          block_id: 'cfg_every',
          optional: true,
          label: { type: 'plain_text', text: 'Expected every' },
          element: {
            type: 'plain_text_input',
            action_id: 'cfg_every',
            placeholder: { type: 'plain_text', text: 'default 1h' },
          },
        },
      ],
      '',
      utc,
    );
    expect(text).toBe('Name: Qualys VA\nExpected every (optional): (empty — default 1h)');
  });
});
