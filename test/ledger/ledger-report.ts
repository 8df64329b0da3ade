/**
 * How a ledger run reports its figures: one line of JSON (`LEDGER {...}`, for CI and for the closing
 * note) and a readable table, written to stdout so that vitest shows them under the test.
 */

export type Row = Record<string, string | number>;

/** A plain text table: one column per key of the first row, numbers right-aligned. */
export function table(rows: Row[]): string {
  const first = rows[0];
  if (!first) return '(no rows)';
  const columns = Object.keys(first);
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[], numeric: boolean[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const isNumeric = columns.map((c) => typeof first[c] === 'number');
  return [
    line(columns, isNumeric),
    line(
      widths.map((w) => '-'.repeat(w)),
      isNumeric.map(() => false),
    ),
    ...cells.map((row) => line(row, isNumeric)),
  ].join('\n');
}

/** Prints the summary line and the tables (each with a title). */
export function printLedger(name: string, summary: Record<string, unknown>, tables: [string, Row[]][]): void {
  const parts = [`LEDGER ${JSON.stringify({ ledger: name, ...summary })}`];
  for (const [title, rows] of tables) parts.push('', `${name}: ${title}`, table(rows));
  process.stdout.write(`\n${parts.join('\n')}\n\n`);
}
