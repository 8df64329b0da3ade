/**
 * Text safety for Slack. `&`, `<` and `>` are escaped: they are exactly what makes `<!channel>`, `<@U…>` or
 * `<https://evil|label>` live. Every user-controlled string goes through `esc` (or `escTrunc`) before it
 * is placed in mrkdwn or in a message's top-level `text`; inside a code span, through `escCode` (or
 * `codeTrunc`).
 *
 * Formatting characters are neutralised too: a solution named `*bold*`, `_x_`, `~s~` or with a backtick
 * would otherwise format itself and break the bold or italics around it (`*${name}*`). Slack has no
 * escape character for them, so each is replaced by a look-alike that Slack's parser does not know
 * (`*` → `∗`, `_` → `ˍ`, `~` → `∼`, `` ` `` → `ˋ`). Chosen over inserting zero-width characters next to
 * them: whether a zero-width space makes a word boundary (it does: it is the known way to force bold
 * inside a word) or not depends on Slack's parser, while a character that is not a delimiter can never
 * pair, wherever it stands. Each look-alike is one UTF-16 unit, like the character it replaces, so the
 * lengths (and Slack's limits, which escTrunc keeps) do not change. Local mode draws them back as typed
 * (render-text.ts).
 *
 * Slack opens and closes `*`, `_` and `~` only at a word boundary, so one between two letters or digits
 * (`invalid_client`, `not_reported`, `2*3`) can never pair and is kept as typed: identifiers stay
 * searchable and copyable. The text's own ends count as boundaries (the text may sit right after a
 * delimiter of ours). Backticks are always replaced.
 */

/** Each mrkdwn formatting character and its inert look-alike. */
export const FORMATTING_LOOKALIKES: Readonly<Record<string, string>> = {
  '*': '\u2217',
  _: '\u02cd',
  '~': '\u223c',
  '`': '\u02cb',
};

function escEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/** Formatting characters that could open or close a span, as their look-alikes (see above). */
function neutralise(text: string): string {
  return text.replace(/[*_~`]/g, (c, at: number) =>
    c !== '`' && WORD_CHAR.test(text[at - 1] ?? '') && WORD_CHAR.test(text[at + 1] ?? '')
      ? c
      : (FORMATTING_LOOKALIKES[c] ?? c),
  );
}

/** User text for mrkdwn: entities escaped, formatting characters that could pair neutralised. */
export function esc(text: string): string {
  return escEntities(neutralise(text));
}

/**
 * User text for inside a code span or block, where Slack shows `*`, `_` and `~` as typed (an id, a cron
 * expression, a command to copy): entities escaped, and only the backtick, which would end the span,
 * neutralised.
 */
export function escCode(text: string): string {
  return escEntities(text).replace(/`/g, FORMATTING_LOOKALIKES['`'] ?? "'");
}

/** Cuts text to `max` characters, marking the cut. Counts UTF-16 units, as Slack's limits do. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  return `${dropHalfPair(text.slice(0, max - 1))}…`;
}

/** A cut must not leave half of a surrogate pair (half an emoji) at its end. */
function dropHalfPair(text: string): string {
  const last = text.charCodeAt(text.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, -1) : text;
}

/** Truncates escaped text without cutting an entity in half. */
function truncEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  if (max < 1) return '';
  let cut = dropHalfPair(escaped.slice(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** Escapes (esc), then truncates without cutting an entity in half. */
export function escTrunc(text: string, max: number): string {
  // A character esc kept inside a word stands at a boundary once the cut mark follows it: neutralise it.
  return truncEscaped(esc(text), max).replace(/[*_~](?=…$)/, (c) => FORMATTING_LOOKALIKES[c] ?? c);
}

/** Escapes for a code span (escCode), then truncates without cutting an entity in half. */
export function codeTrunc(text: string, max: number): string {
  return truncEscaped(escCode(text), max);
}

/** Collapses whitespace runs (200 newlines in a name must not blow up a message). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A mention built only from a validated id, never from input. */
export function mentionUser(id: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(id) ? `<@${id}>` : esc(id);
}

/** A solution owner's id as stored: a user (U…, W…) or a user group (S…). */
export const OWNER_ID = /^([UW][A-Z0-9]{2,}|S[A-Z0-9]{2,})$/;

/**
 * The owner's mention, built only from a stored id that is a user or user-group id (docs/contract.md §10.2);
 * null for anything else (an owner written as free text is never turned into a mention).
 */
export function mentionOwner(owner: string | undefined): string | null {
  const id = owner?.trim().replace(/^slack:/, '');
  if (!id || !OWNER_ID.test(id)) return null;
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

/** Slack's date formatting, which shows each reader their own time zone. */
export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  const sec = Math.floor(ms / 1000);
  return `<!date^${sec}^${format}|${new Date(ms).toISOString()}>`;
}

/** A link label longer than this is cut: a 2,000-character URL shown as its own label would fill a block. */
export const LINK_LABEL_MAX = 100;

/** A link whose URL we checked (http or https only) and whose label is escaped and kept short. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return escTrunc(label, LINK_LABEL_MAX);
  return `<${url}|${escTrunc(label, LINK_LABEL_MAX).replace(/\|/g, '¦')}>`;
}
