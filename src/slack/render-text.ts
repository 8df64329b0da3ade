/**
 * Block Kit as plain terminal text: how local mode and `npm run slack` show what Slack would display.
 */

type AnyBlock = Record<string, unknown>;

const EMOJI: Record<string, string> = {
  ':large_green_circle:': '🟢',
  ':red_circle:': '🔴',
  ':large_orange_circle:': '🟠',
  ':white_circle:': '⚪',
  ':white_check_mark:': '✅',
  ':warning:': '⚠️',
  ':shield:': '🛡️',
  ':inbox_tray:': '📥',
  ':no_entry:': '⛔',
  ':rotating_light:': '🚨',
  ':large_yellow_circle:': '🟡',
  ':small_blue_diamond:': '🔹',
  ':information_source:': 'ℹ️',
  ':zzz:': '💤',
  ':mag:': '🔍',
  ':electric_plug:': '🔌',
  ':heavy_plus_sign:': '➕',
  ':cloud:': '☁️',
  ':ghost:': '👻',
  ':hourglass_flowing_sand:': '⏳',
};

/** mrkdwn to terminal text: dates, mentions, links and entities resolved, emoji codes drawn. */
export function mrkdwnToText(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([UW][A-Z0-9]+)>/g, '@$1')
    .replace(/<#([CG][A-Z0-9]+)(\|[^>]*)?>/g, '#$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/:[a-z_]+:/g, (m) => EMOJI[m] ?? m)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function textOf(obj: unknown): string {
  if (!obj || typeof obj !== 'object') return '';
  const t = obj as { type?: string; text?: string };
  return t.type === 'mrkdwn' ? mrkdwnToText(t.text ?? '') : (t.text ?? '');
}

function elementText(el: AnyBlock): string {
  switch (el.type) {
    case 'button':
      return el.url ? `[${textOf(el.text)} ↗]` : `[${textOf(el.text)}]`;
    case 'overflow':
      return `[⋯ ${((el.options as AnyBlock[]) ?? []).map((o) => textOf(o.text)).join(' | ')}]`;
    case 'static_select':
    case 'users_select':
    case 'conversations_select':
    case 'channels_select':
      return `[▾ ${textOf(el.placeholder) || 'select'}]`;
    default:
      return textOf(el);
  }
}

export function blocksToText(blocks: unknown[] | undefined, fallback = ''): string {
  if (!Array.isArray(blocks) || blocks.length === 0) return mrkdwnToText(fallback);
  const lines: string[] = [];
  for (const raw of blocks) {
    const b = raw as AnyBlock;
    switch (b.type) {
      case 'header':
        lines.push(`== ${textOf(b.text)} ==`);
        break;
      case 'section': {
        const text = textOf(b.text);
        if (text) lines.push(text);
        for (const f of (b.fields as unknown[]) ?? []) lines.push(`  ${textOf(f).replace(/\n/g, ': ')}`);
        if (b.accessory) lines.push(`  ${elementText(b.accessory as AnyBlock)}`);
        break;
      }
      case 'context':
        lines.push(`  ${((b.elements as AnyBlock[]) ?? []).map((e) => textOf(e)).join('  ')}`);
        break;
      case 'actions':
        lines.push(((b.elements as AnyBlock[]) ?? []).map(elementText).join(' '));
        break;
      case 'divider':
        lines.push('—'.repeat(40));
        break;
      case 'input':
        lines.push(`${textOf(b.label)}: ${elementText((b.element as AnyBlock) ?? {})}`);
        break;
      default:
        lines.push(`(${String(b.type)})`);
    }
  }
  return lines.join('\n');
}
