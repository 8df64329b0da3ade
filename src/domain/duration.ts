/** Durations as operators write them: `500ms`, `90s`, `15m`, `1h`, `14d`. Pure helpers, no I/O. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PATTERN = /^(\d+)(ms|s|m|h|d)$/;

/** Parses a duration to milliseconds; returns null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  const ms = Number(amount) * (UNITS[unit as string] ?? Number.NaN);
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Renders milliseconds as the two largest units, for people: `3h 5m`, `14d`, `45s`, `250ms`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(Math.round(ms));
  if (abs < 1000) return `${abs}ms`;
  const parts: string[] = [];
  let rest = Math.floor(abs / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
