/**
 * The checks every folder of Lua scripts gets, without Redis: each header documents the KEYS its file name
 * counts, every ARGV the script reads and every named outcome of its result table; every file has its
 * method on the folder's facade, and the facade has no script method without a file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LUA_FILE_NAME, type LuaFolder } from '../../src/storage/lua-loader.js';
import type { ResultTables } from '../../src/storage/script-results.js';

export function describeLuaFolder(opts: {
  folder: LuaFolder;
  results: ResultTables;
  /** The facade's class: one method per script, besides its constructor and private `run`. */
  facade: { prototype: object };
}): void {
  const { folder, results, facade } = opts;
  const files = readdirSync(folder.dir).filter((f) => f.endsWith('.lua'));
  const parsed = files.map((file) => {
    const m = LUA_FILE_NAME.exec(file);
    const text = readFileSync(new URL(file, folder.dir), 'utf8');
    const opening = /^--\[\[([\s\S]*?)\]\]/.exec(text);
    const header = opening?.[1] ?? '';
    const body = text.slice(opening?.[0].length ?? 0);
    return { file, name: m?.[1] ?? '', keys: Number(m?.[2]), header, body };
  });

  describe(`the script files of ${folder.dir.pathname}`, () => {
    it('are there', () => expect(parsed.length).toBeGreaterThan(0));

    it.each(parsed)('$file opens with a header documenting its KEYS, ARGV and answers', (s) => {
      expect(s.name, 'file name <name>-<numberOfKeys>.lua').not.toBe('');
      expect(s.header).toMatch(/Input:[\s\S]*Output:/);
      const documentedKeys = [...s.header.matchAll(/^\s*KEYS\[(\d+)\] \S/gm)].map((k) => Number(k[1]));
      expect(documentedKeys).toEqual(Array.from({ length: s.keys }, (_, i) => i + 1));
      for (const used of s.body.matchAll(/KEYS\[(\d+)\]/g))
        expect(Number(used[1])).toBeLessThanOrEqual(s.keys);
      const documentedArgs = [...s.header.matchAll(/^\s*ARGV\[(\d+)(\.\.)?\] \S/gm)];
      for (const used of s.body.matchAll(/ARGV\[(\d+)/g)) {
        const n = Number(used[1]);
        expect(
          documentedArgs.some((d) => Number(d[1]) === n || (d[2] && Number(d[1]) <= n)),
          `ARGV[${n}] documented`,
        ).toBe(true);
      }
      const outcomes = results[s.name] ?? {};
      const output = s.header.slice(s.header.indexOf('Output:'));
      for (const [code, outcome] of Object.entries(outcomes)) {
        expect(output).toContain(outcome);
        // A numeric code is documented on the outcome's own line: "  1  acked", "-1  missing".
        if (/^-?\d+$/.test(code)) expect(output).toMatch(new RegExp(`^\\s*${code}\\s+${outcome}\\b`, 'm'));
      }
    });

    it('are each exposed by the facade, and the facade runs no script without a file', () => {
      const names = parsed.map((s) => s.name).sort();
      // The facade's own methods and its base classes' (a facade may be split over files).
      const methods: string[] = [];
      for (let p = facade.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        methods.push(...Object.getOwnPropertyNames(p).filter((m) => m !== 'constructor' && m !== 'run'));
      }
      methods.sort();
      expect(methods).toEqual(names);
      for (const name of Object.keys(results)) expect(names).toContain(name);
    });
  });
}
