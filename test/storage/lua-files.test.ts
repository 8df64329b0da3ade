/**
 * The storage module's Lua script files and their result table, without Redis (the checks themselves are
 * test/harness/lua-files.ts, shared with every folder of scripts); an answer outside the table is refused.
 */
import { describe, expect, it } from 'vitest';
import { STORAGE_LUA } from '../../src/storage/lua-loader.js';
import { decodeResult, SCRIPT_RESULTS } from '../../src/storage/script-results.js';
import { Scripts } from '../../src/storage/scripts.js';
import { describeLuaFolder } from '../harness/lua-files.js';

describe('the result table', () => {
  it('refuses an answer it does not name', () => {
    expect(decodeResult('setToken', -1)).toBe('missing');
    expect(() => decodeResult('setToken', 7)).toThrow(/setToken answered 7/);
    expect(() => decodeResult('commitEvaluation', 'toString')).toThrow();
  });
});

describeLuaFolder({ folder: STORAGE_LUA, results: SCRIPT_RESULTS, facade: Scripts });
