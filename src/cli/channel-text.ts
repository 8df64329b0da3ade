/**
 * Channel messages, modals and App Home as text for the terminal. A channel message's buttons are
 * numbered `<message>.<button>` (`npm run slack -- click 7.2`): message numbers are the loopback Slack's
 * per-channel numbers, so they stay the same while new messages arrive.
 */
import { blocksToText, readableDate, type TextStyle } from '../slack/render-text.js';
import { choiceLine, choicesOf, type Message } from './choices.js';
import type { LocalMessage, LocalView } from './local-slack-client.js';

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

export function asMessage(m: LocalMessage, ephemeral = false): Message {
  return { ts: m.ts, text: m.text, blocks: m.blocks, ephemeral };
}

/** One channel message: a title line with its number, the text, then its buttons as `n.b`. */
export function channelMessageText(m: LocalMessage, style: TextStyle, note = ''): string {
  const when = readableDate(Number(m.ts.split('.')[0]) * 1000, style);
  const flags = [m.thread_ts ? 'thread reply' : '', m.edited ? 'edited' : '', note]
    .filter(Boolean)
    .join(', ');
  const title = `── message ${m.n} · #${m.channel} · ${when}${flags ? ` (${flags})` : ''} ──`;
  if (m.deleted) return `${title}\n  (deleted)`;
  const lines = [title, indent(blocksToText(m.blocks, m.text, style) || '(empty)')];
  const choices = choicesOf([asMessage(m)]);
  if (choices.length > 0) {
    lines.push(`  Buttons (npm run slack -- click ${m.n}.<n>):`);
    choices.forEach((c, i) => {
      lines.push(`  ${choiceLine(c, i + 1).replace(/^\s*(\d+)/, `${m.n}.$1`)}`);
    });
  }
  return lines.join('\n');
}

type Block = Record<string, unknown>;

/** The input fields of a modal, as `--field` names them: the block_id of each input block. */
export function modalFields(
  view: Block,
): { name: string; label: string; value: string; optional: boolean }[] {
  const blocks = Array.isArray(view.blocks) ? (view.blocks as Block[]) : [];
  return blocks
    .filter((b) => b.type === 'input' && typeof b.block_id === 'string')
    .map((b) => {
      const el = (b.element ?? {}) as Block;
      const label = (b.label as { text?: string } | undefined)?.text ?? '';
      const initial = el.initial_option as { value?: string } | undefined;
      const value = typeof el.initial_value === 'string' ? el.initial_value : (initial?.value ?? '');
      return { name: b.block_id as string, label, value, optional: b.optional === true };
    });
}

export function modalText(v: LocalView, style: TextStyle): string {
  const title = (v.view.title as { text?: string } | undefined)?.text ?? 'modal';
  const submit = (v.view.submit as { text?: string } | undefined)?.text ?? 'Submit';
  const fields = modalFields(v.view);
  const lines = [
    `── modal "${title}" (open for @${v.user}) ──`,
    indent(blocksToText(v.view.blocks as unknown[], '', style)),
  ];
  if (fields.length > 0) {
    const example = fields.find((f) => f.optional) ?? fields[0];
    lines.push(
      '',
      `  [${submit}]: npm run slack -- submit [--field <name>=<value> ...], e.g. --field ${example?.name}=…`,
      '  Fields (a field you leave out keeps the value shown):',
    );
    const width = Math.max(...fields.map((f) => f.name.length));
    for (const f of fields) lines.push(`    ${f.name.padEnd(width)}  ${f.label}`);
  }
  return lines.join('\n');
}
