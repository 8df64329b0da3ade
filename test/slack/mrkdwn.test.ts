import { describe, expect, it } from 'vitest';
import {
  codeTrunc,
  esc,
  escCode,
  escTrunc,
  link,
  mentionUser,
  oneLine,
  slackDate,
  truncate,
} from '../../src/slack/mrkdwn.js';

/** Every `&` starts one of the three entities esc produces: nothing is cut in half or left raw. */
function entitiesIntact(text: string): boolean {
  return /^(?:[^&]|&amp;|&lt;|&gt;)*$/.test(text);
}

describe('esc', () => {
  describe('when the text holds Slack control sequences', () => {
    it.each([
      ['<!channel>', '&lt;!channel&gt;'],
      ['<!here>', '&lt;!here&gt;'],
      ['<!everyone>', '&lt;!everyone&gt;'],
      ['<@U12345>', '&lt;@U12345&gt;'],
      ['<!subteam^S1>', '&lt;!subteam^S1&gt;'],
      ['<https://evil.example|Re-authenticate>', '&lt;https://evil.example|Re-authenticate&gt;'],
      ['<#C0123|general>', '&lt;#C0123|general&gt;'],
      ['<!date^1^{date}|x>', '&lt;!date^1^{date}|x&gt;'],
    ])('neutralises %s', (input, expected) => {
      expect(esc(input)).toBe(expected);
      expect(esc(input)).not.toContain('<');
      expect(esc(input)).not.toContain('>');
    });
  });

  describe('when the text is already escaped', () => {
    it('escapes the ampersands again so the reader sees what was sent', () => {
      expect(esc('&lt;!channel&gt;')).toBe('&amp;lt;!channel&amp;gt;');
    });
  });

  describe('when the text is ordinary', () => {
    it.each(['Qualys VM', '@here', 'Rapid7 InsightVM (EU)', 'naïve 🚨', ''])(
      'leaves %j unchanged',
      (text) => {
        expect(esc(text)).toBe(text);
      },
    );
  });

  it('escapes every occurrence', () => {
    expect(esc('a & b & <c> <<d>>')).toBe('a &amp; b &amp; &lt;c&gt; &lt;&lt;d&gt;&gt;');
  });

  describe('when the text holds mrkdwn formatting characters (issue 8, item 6)', () => {
    const NAME = '*bold* _it_ ~s~ `c`';

    it('draws each as an inert look-alike, of the same length', () => {
      expect(esc(NAME)).toBe('\u2217bold\u2217 \u02cdit\u02cd \u223cs\u223c \u02cbc\u02cb');
      expect(esc(NAME)).not.toMatch(/[*_~`]/);
      expect(esc(NAME)).toHaveLength(NAME.length);
    });

    it.each(['invalid_client', 'not_reported', '2*3*4', 'a~b', 'naïve_é'])(
      'keeps %j, where no character is at a word boundary, as typed',
      (text) => {
        expect(esc(text)).toBe(text);
      },
    );

    it('neutralises a character at a word boundary, next to punctuation, or at either end', () => {
      expect(esc('x _y_ z*')).toBe('x \u02cdy\u02cd z\u2217');
      expect(esc('(*a*)')).toBe('(\u2217a\u2217)');
      expect(esc('a`b')).toBe('a\u02cbb');
    });

    it('neutralises a character kept inside a word when the cut puts it at the end', () => {
      expect(escTrunc('invalid_client', 9)).toBe('invalid\u02cd…');
    });

    it('keeps escTrunc within its limit', () => {
      const long = `${'*_~`'.repeat(100)}<&>`;
      for (const max of [1, 2, 50, 399, 400, 401, 500]) {
        const out = escTrunc(long, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(out).not.toMatch(/[*_~`]/);
        expect(entitiesIntact(out)).toBe(true);
      }
    });
  });
});

describe('escCode', () => {
  it('keeps *, _ and ~ as typed inside a code span, and only the backtick that would end it is replaced', () => {
    expect(escCode('evt_1 */5 * * * ~x `y` <!here>')).toBe('evt_1 */5 * * * ~x \u02cby\u02cb &lt;!here&gt;');
  });

  it('truncates without cutting an entity', () => {
    expect(codeTrunc('a_b<c', 5)).toBe('a_b…');
    expect(codeTrunc('a_b', 3)).toBe('a_b');
  });
});

describe('truncate', () => {
  it('keeps text that fits', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('cuts longer text to the limit, marking the cut', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
  });
});

describe('escTrunc', () => {
  describe('when the escaped text fits', () => {
    it('is the escaped text, without a mark', () => {
      expect(escTrunc('<!here>', 100)).toBe('&lt;!here&gt;');
      expect(escTrunc('<!here>', '&lt;!here&gt;'.length)).toBe('&lt;!here&gt;');
    });
  });

  describe('when the limit falls inside an entity', () => {
    it.each([
      // '&lt;!channel&gt;' : cutting at 1..3 characters would leave '&', '&l' or '&lt'.
      ['<!channel>', 2, '…'],
      ['<!channel>', 3, '…'],
      ['<!channel>', 4, '…'],
      ['<!channel>', 5, '&lt;…'],
      ['a&b', 4, 'a…'],
      ['a&b', 5, 'a…'],
      ['a&b', 6, 'a…'],
      ['<<x', 6, '&lt;…'],
      ['<<x', 8, '&lt;…'],
      ['<<x', 9, '&lt;&lt;x'],
      ['a&b', 7, 'a&amp;b'],
    ])('escTrunc(%j, %i) is %j', (text, max, expected) => {
      expect(escTrunc(text, max)).toBe(expected);
    });
  });

  describe('for any limit', () => {
    const samples = [
      '<!channel> &<@U999> <https://evil.example|login>',
      '&&&&&&&&&&&&&&&&&&&&',
      '<<<<>>>>&&&&<<<<>>>>',
      `${'x'.repeat(50)}&lt;!channel&gt;${'y'.repeat(50)}`,
      'plain text without anything special in it at all',
    ];
    const cases = samples.flatMap((text) =>
      Array.from({ length: esc(text).length + 2 }, (_, i) => ({ text, max: i + 1 })),
    );

    it.each(cases)('respects max $max and keeps entities whole', ({ text, max }) => {
      const out = escTrunc(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/[<>]/);
      const escaped = esc(text);
      if (escaped.length <= max) {
        expect(out).toBe(escaped);
      } else {
        expect(out.endsWith('…')).toBe(true);
        const kept = out.slice(0, -1);
        expect(escaped.startsWith(kept)).toBe(true);
        expect(entitiesIntact(kept)).toBe(true);
      }
    });
  });

  it('cuts a 10,000-character string to the limit', () => {
    const out = escTrunc('<'.repeat(10_000), 150);
    expect(out.length).toBeLessThanOrEqual(150);
    expect(out.endsWith('…')).toBe(true);
    expect(entitiesIntact(out.slice(0, -1))).toBe(true);
  });
});

describe('mentionUser', () => {
  describe('when the id is a valid user id', () => {
    it.each(['U12345', 'W0ABCDEF', 'U0BOT'])('mentions %s', (id) => {
      expect(mentionUser(id)).toBe(`<@${id}>`);
    });
  });

  describe('when the id is anything else', () => {
    it.each([
      'bob',
      'U1',
      'u12345',
      'S0GROUP',
      'U123>',
      'U123 <!here>',
      '<!channel>',
      '<@U999>',
      'U123|x',
      '',
    ])('does not build a mention from %j', (id) => {
      const out = mentionUser(id);
      expect(out).not.toContain('<');
      expect(out).toBe(esc(id));
    });
  });
});

describe('link', () => {
  describe('when the URL is http or https', () => {
    it('links it with the escaped label', () => {
      expect(link('https://console.example/vm?id=1', 'Open console')).toBe(
        '<https://console.example/vm?id=1|Open console>',
      );
      expect(link('http://10.0.0.1:8443/', 'Local')).toBe('<http://10.0.0.1:8443/|Local>');
    });

    it('escapes a hostile label and keeps it from closing or re-labelling the link', () => {
      const out = link('https://console.example/', '<!channel> a|b > c & d');
      expect(out).toBe('<https://console.example/|&lt;!channel&gt; a¦b &gt; c &amp; d>');
      expect(out.slice(1, -1)).not.toMatch(/[<>]/);
      expect(out.split('|')).toHaveLength(2);
    });
  });

  describe('when the URL is refused', () => {
    it.each([
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://files.example/',
      'https://evil.example|Re-authenticate',
      'https://evil.example/>',
      'https://evil.example/<!channel>',
      'https://evil.example/ path',
      'https://',
      '//evil.example',
      ' https://evil.example',
      '',
    ])('renders only the escaped label for %j', (url) => {
      const out = link(url, '<!here> Console');
      expect(out).toBe('&lt;!here&gt; Console');
      expect(out).not.toContain('<');
    });
  });
});

describe('oneLine', () => {
  it('collapses 200 newlines into one space', () => {
    expect(oneLine(`first${'\n'.repeat(200)}second`)).toBe('first second');
  });

  it('collapses tabs, carriage returns and runs of spaces and trims the ends', () => {
    expect(oneLine('\n\t  a \r\n\r\n b\t\tc   \n')).toBe('a b c');
  });

  it('leaves a single line unchanged', () => {
    expect(oneLine('Qualys VM (EU)')).toBe('Qualys VM (EU)');
  });
});

describe('slackDate', () => {
  it('builds a date token that falls back to ISO time', () => {
    expect(slackDate(1_700_000_000_500)).toBe(
      '<!date^1700000000^{date_short_pretty} {time}|2023-11-14T22:13:20.500Z>',
    );
  });

  it('takes a custom format', () => {
    expect(slackDate(0, '{date}')).toBe('<!date^0^{date}|1970-01-01T00:00:00.000Z>');
  });
});
