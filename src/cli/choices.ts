/**
 * The buttons of an answer, numbered in reading order so that `npm run slack -- click 2` can name one:
 * every button, and every option of an overflow menu or a select.
 */
import { mrkdwnToText } from '../slack/render-text.js';

export type Block = Record<string, unknown>;

export interface Message {
  ts: string;
  text: string;
  blocks: Block[];
  /** Only the user sees it (a command's answer); otherwise it was posted in the channel. */
  ephemeral: boolean;
}

export interface Choice {
  /** What the user sees: the button text or the menu option. */
  label: string;
  /** The text nearest above it, when other buttons have the same label. */
  context: string;
  /** Index into the saved messages. */
  message: number;
  kind: 'button' | 'overflow' | 'static_select';
  actionId: string;
  blockId: string;
  value?: string;
  /** The menu option picked (overflow, select). */
  option?: { text: string; value: string };
  url?: string;
  /** The confirmation dialog Slack would show first. */
  confirm?: string;
}

function plain(obj: unknown): string {
  if (!obj || typeof obj !== 'object') return '';
  const t = obj as { type?: unknown; text?: unknown };
  if (typeof t.text !== 'string') return '';
  return t.type === 'mrkdwn' ? mrkdwnToText(t.text) : t.text;
}

function firstLine(text: string, max = 60): string {
  const line = (text.split('\n').find((l) => l.trim() !== '') ?? '')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function optionsOf(el: Block): { text: string; value: string }[] {
  const groups = Array.isArray(el.option_groups) ? (el.option_groups as Block[]) : [];
  const all = [
    ...(Array.isArray(el.options) ? (el.options as Block[]) : []),
    ...groups.flatMap((g) => (Array.isArray(g.options) ? (g.options as Block[]) : [])),
  ];
  return all.map((o) => ({ text: plain(o.text), value: typeof o.value === 'string' ? o.value : '' }));
}

/** Every button and menu option in the messages, in reading order; menu options count one each. */
export function choicesOf(messages: Message[]): Choice[] {
  const choices: Choice[] = [];
  messages.forEach((message, m) => {
    let context = '';
    message.blocks.forEach((block, b) => {
      // Slack gives a block without an id a random one; any stable id does here.
      const blockId = typeof block.block_id === 'string' ? block.block_id : `m${m}b${b}`;
      const elements: Block[] = [];
      if (block.type === 'header' || block.type === 'section') {
        const text = firstLine(plain(block.text));
        if (text) context = text;
        if (block.accessory && typeof block.accessory === 'object') elements.push(block.accessory as Block);
      } else if (block.type === 'actions' && Array.isArray(block.elements)) {
        elements.push(...(block.elements as Block[]));
      }
      for (const el of elements) {
        const actionId = typeof el.action_id === 'string' ? el.action_id : '';
        const confirm = el.confirm ? plain((el.confirm as Block).title) || 'Are you sure?' : undefined;
        const common = { context, message: m, actionId, blockId, ...(confirm ? { confirm } : {}) };
        if (el.type === 'button') {
          choices.push({
            ...common,
            kind: 'button',
            label: plain(el.text),
            ...(typeof el.value === 'string' ? { value: el.value } : {}),
            ...(typeof el.url === 'string' ? { url: el.url } : {}),
          });
        } else if (el.type === 'overflow' || el.type === 'static_select') {
          for (const option of optionsOf(el)) {
            choices.push({ ...common, kind: el.type, label: option.text, option });
          }
        }
      }
    });
  });
  // The text above a button only helps to tell apart buttons with the same label (View, Add).
  const count = new Map<string, number>();
  for (const c of choices) count.set(c.label, (count.get(c.label) ?? 0) + 1);
  return choices.map((c) => (count.get(c.label) === 1 ? { ...c, context: '' } : c));
}

export function choiceLine(choice: Choice, n: number): string {
  const label =
    choice.kind === 'button'
      ? `[${choice.label}${choice.url ? ' ↗' : ''}]`
      : `[${choice.kind === 'overflow' ? '⋯' : '▾'} ${choice.label}]`;
  const notes = [
    choice.context ? `— ${choice.context}` : '',
    choice.url ? `(opens ${choice.url})` : '',
    choice.confirm ? `(asks first: ${choice.confirm})` : '',
  ].filter(Boolean);
  return `  ${String(n).padStart(2)}  ${label} ${notes.join(' ')}`.trimEnd();
}

export function listChoices(choices: Choice[]): string[] {
  if (choices.length === 0) return ['(no buttons)'];
  return ['Buttons (npm run slack -- click <n>):', ...choices.map((c, i) => choiceLine(c, i + 1))];
}
