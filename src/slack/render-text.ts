/**
 * Block Kit as plain terminal text: how local mode and `npm run slack` show what Slack would display.
 */

import { FORMATTING_LOOKALIKES } from './mrkdwn.js';

type AnyBlock = Record<string, unknown>;

/** How text is drawn: ANSI bold and italics on a terminal, plain words in a file or a pipe. */
export interface TextStyle {
  ansi: boolean;
  /** How a date reads to the user: their locale and time zone (default: this machine's). */
  locale?: string;
  timeZone?: string;
}

export const PLAIN: TextStyle = { ansi: false };

/** Every emoji code secsol writes, drawn as the emoji Slack shows; other codes stay as typed. */
const EMOJI: Record<string, string> = {
  ':large_green_circle:': '🟢',
  ':red_circle:': '🔴',
  ':large_orange_circle:': '🟠',
  ':large_yellow_circle:': '🟡',
  ':white_circle:': '⚪',
  ':black_circle:': '⚫',
  ':white_check_mark:': '✅',
  ':heavy_check_mark:': '✔️',
  ':x:': '❌',
  ':warning:': '⚠️',
  ':shield:': '🛡️',
  ':inbox_tray:': '📥',
  ':no_entry:': '⛔',
  ':rotating_light:': '🚨',
  ':small_blue_diamond:': '🔹',
  ':information_source:': 'ℹ️',
  ':zzz:': '💤',
  ':mag:': '🔍',
  ':electric_plug:': '🔌',
  ':heavy_plus_sign:': '➕',
  ':cloud:': '☁️',
  ':ghost:': '👻',
  ':hourglass_flowing_sand:': '⏳',
  ':hourglass:': '⌛',
  ':bell:': '🔔',
  ':alarm_clock:': '⏰',
  ':link:': '🔗',
  ':wastebasket:': '🗑️',
  ':scroll:': '📜',
  ':lock:': '🔒',
  ':key:': '🔑',
  ':pencil2:': '✏️',
  ':wrench:': '🔧',
  ':eyes:': '👀',
  ':fire:': '🔥',
  ':tada:': '🎉',
  ':construction:': '🚧',
};

/** esc's look-alikes (mrkdwn.ts) back to the characters typed: local mode shows a name as typed. */
const TYPED: Record<string, string> = Object.fromEntries(
  Object.entries(FORMATTING_LOOKALIKES).map(([typed, lookalike]) => [lookalike, typed]),
);
const LOOKALIKE = new RegExp(`[${Object.keys(TYPED).join('')}]`, 'g');

const ESC = String.fromCharCode(27);
const bold = (t: string, s: TextStyle) => (s.ansi ? `${ESC}[1m${t}${ESC}[22m` : t);
const italic = (t: string, s: TextStyle) => (s.ansi ? `${ESC}[3m${t}${ESC}[23m` : t);

/** A moment as the user reads it: weekday, day, month, time (and the year when it is not this one). */
export function readableDate(ms: number, style: TextStyle = PLAIN): string {
  const d = new Date(ms);
  const sameYear = d.getFullYear() === new Date().getFullYear();
  return d.toLocaleString(style.locale ?? 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    ...(style.timeZone ? { timeZone: style.timeZone } : {}),
  });
}

/**
 * mrkdwn as a Slack user reads it: *bold* and _italics_ drawn, links as `label (url)`, dates in the
 * reader's terms, live mentions as @name, escaped text (`&lt;!channel&gt;`, which Slack shows as text and
 * never pings) marked as such, emoji codes drawn.
 */
export function mrkdwnToText(text: string, style: TextStyle = PLAIN): string {
  return (
    text
      .replace(/<!date\^(\d+)\^[^|>]*\|([^>]*)>/g, (_, sec: string) =>
        readableDate(Number(sec) * 1000, style),
      )
      .replace(/\b(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)\b/g, (iso: string) =>
        readableDate(Date.parse(iso), style),
      )
      .replace(/<!(channel|here|everyone)>/g, (_, m: string) => bold(`@${m}`, style))
      .replace(/<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, label?: string) =>
        bold(label ?? `@${id}`, style),
      )
      .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_, id: string) => bold(`@${id}`, style))
      .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_, id: string, name?: string) => `#${name || id}`)
      .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
      .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
      .replace(
        /(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,;:!?])/gm,
        (_, pre: string, t: string) => `${pre}${bold(t, style)}`,
      )
      .replace(
        /(^|[\s(])_([^_\n]+)_(?=$|[\s).,;:!?])/gm,
        (_, pre: string, t: string) => `${pre}${italic(t, style)}`,
      )
      .replace(/:[a-z0-9_+-]+:/g, (m) => EMOJI[m] ?? m)
      // What secsol escaped is shown as text, marked, so that one sees it was neither a mention nor a link.
      .replace(/&lt;([!@#][^&\n]*|(?:https?|mailto):[^&\n]*)&gt;/g, '⟪escaped: <$1>⟫')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      // The formatting characters esc neutralised are drawn as the user typed them (after the formatting).
      .replace(LOOKALIKE, (c) => TYPED[c] ?? c)
  );
}

function textOf(obj: unknown, style: TextStyle): string {
  if (!obj || typeof obj !== 'object') return '';
  const t = obj as { type?: string; text?: string };
  return t.type === 'mrkdwn' ? mrkdwnToText(t.text ?? '', style) : (t.text ?? '');
}

/** What an input holds before the user types: its initial value or option, else its placeholder. */
function inputValue(el: AnyBlock, style: TextStyle): string {
  if (typeof el.initial_value === 'string' && el.initial_value !== '') return el.initial_value;
  if (el.initial_option) return textOf((el.initial_option as AnyBlock).text, style);
  const many = (el.initial_options as AnyBlock[] | undefined) ?? [];
  if (many.length > 0) return many.map((o) => textOf(o.text, style)).join(', ');
  for (const key of ['initial_user', 'initial_channel', 'initial_conversation', 'initial_date']) {
    if (typeof el[key] === 'string') return String(el[key]);
  }
  const placeholder = textOf(el.placeholder, style);
  return placeholder ? `(empty — ${placeholder})` : '(empty)';
}

function elementText(el: AnyBlock, style: TextStyle): string {
  switch (el.type) {
    case 'button':
      return el.url ? `[${textOf(el.text, style)} ↗]` : `[${textOf(el.text, style)}]`;
    case 'overflow':
      return `[⋯ ${((el.options as AnyBlock[]) ?? []).map((o) => textOf(o.text, style)).join(' | ')}]`;
    case 'static_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      return el.initial_option
        ? `[▾ ${inputValue(el, style)}]`
        : `[▾ ${textOf(el.placeholder, style) || 'select'}]`;
    case 'image':
      return `(image: ${String(el.alt_text ?? '')})`;
    default:
      return textOf(el, style);
  }
}

export function blocksToText(blocks: unknown[] | undefined, fallback = '', style: TextStyle = PLAIN): string {
  if (!Array.isArray(blocks) || blocks.length === 0) return mrkdwnToText(fallback, style);
  const lines: string[] = [];
  for (const raw of blocks) {
    const b = raw as AnyBlock;
    switch (b.type) {
      case 'header':
        lines.push(bold(`== ${textOf(b.text, style)} ==`, style));
        break;
      case 'section': {
        const text = textOf(b.text, style);
        if (text) lines.push(text);
        for (const f of (b.fields as unknown[]) ?? [])
          lines.push(`  ${textOf(f, style).replace(/\n/g, ': ')}`);
        if (b.accessory) lines.push(`  ${elementText(b.accessory as AnyBlock, style)}`);
        break;
      }
      case 'context':
        lines.push(`  ${((b.elements as AnyBlock[]) ?? []).map((e) => elementText(e, style)).join('  ')}`);
        break;
      case 'actions':
        lines.push(((b.elements as AnyBlock[]) ?? []).map((e) => elementText(e, style)).join(' '));
        break;
      case 'divider':
        lines.push('—'.repeat(40));
        break;
      case 'input': {
        const el = (b.element as AnyBlock) ?? {};
        const optional = b.optional === true ? ' (optional)' : '';
        lines.push(`${textOf(b.label, style)}${optional}: ${inputValue(el, style)}`);
        const hint = textOf(b.hint, style);
        if (hint) lines.push(`  ${hint}`);
        break;
      }
      default:
        lines.push(`(${String(b.type)})`);
    }
  }
  return lines.join('\n');
}
