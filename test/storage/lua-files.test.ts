/**
 * The Lua script files and their result table, without Redis: each header documents the KEYS its file name
 * counts, every ARGV the script reads and every named outcome of script-results.ts; every file in
 * storage/lua/ has its method on the facade; an answer outside the table is refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LUA_DIR, LUA_FILE_NAME } from '../../src/storage/lua-loader.js';
import { decodeResult, SCRIPT_RESULTS } from '../../src/storage/script-results.js';
import { Scripts } from '../../src/storage/scripts.js';

describe('the result table', () => {
  it('refuses an answer it does not name', () => {
    expect(decodeResult('setToken', -1)).toBe('missing');
    expect(() => decodeResult('setToken', 7)).toThrow(/setToken answered 7/);
    expect(() => decodeResult('commitEvaluation', 'toString')).toThrow();
  });
});

describe('the script files', () => {
  const files = readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua'));
  const parsed = files.map((file) => {
    const m = LUA_FILE_NAME.exec(file);
    const text = readFileSync(new URL(file, LUA_DIR), 'utf8');
    const opening = /^--\[\[([\s\S]*?)\]\]/.exec(text);
    const header = opening?.[1] ?? '';
    const body = text.slice(opening?.[0].length ?? 0);
    return { file, name: m?.[1] ?? '', keys: Number(m?.[2]), header, body };
  });

  it.each(parsed)('$file opens with a header documenting its KEYS, ARGV and answers', (s) => {
    expect(s.name, 'file name <name>-<numberOfKeys>.lua').not.toBe('');
    expect(s.header).toMatch(/Input:[\s\S]*Output:/);
    const documentedKeys = [...s.header.matchAll(/^\s*KEYS\[(\d+)\] \S/gm)].map((k) => Number(k[1]));
    expect(documentedKeys).toEqual(Array.from({ length: s.keys }, (_, i) => i + 1));
    for (const used of s.body.matchAll(/KEYS\[(\d+)\]/g)) expect(Number(used[1])).toBeLessThanOrEqual(s.keys);
    const documentedArgs = [...s.header.matchAll(/^\s*ARGV\[(\d+)(\.\.)?\] \S/gm)];
    for (const used of s.body.matchAll(/ARGV\[(\d+)/g)) {
      const n = Number(used[1]);
      expect(
        documentedArgs.some((d) => Number(d[1]) === n || (d[2] && Number(d[1]) <= n)),
        `ARGV[${n}] documented`,
      ).toBe(true);
    }
    const outcomes: Record<string, string> = SCRIPT_RESULTS[s.name as keyof typeof SCRIPT_RESULTS] ?? {};
    const output = s.header.slice(s.header.indexOf('Output:'));
    for (const outcome of Object.values(outcomes)) expect(output).toContain(outcome);
  });

  it('are each exposed by the facade, and the facade runs no script without a file', () => {
    const names = parsed.map((s) => s.name).sort();
    const methods = Object.getOwnPropertyNames(Scripts.prototype)
      .filter((m) => m !== 'constructor' && m !== 'run')
      .sort();
    expect(methods).toEqual(names);
    for (const name of Object.keys(SCRIPT_RESULTS)) expect(names).toContain(name);
  });
});
