/**
 * The export module's Lua script files (src/export/lua/) and their result table, without Redis: checked
 * like the storage module's (test/harness/lua-files.ts); the two folders' command names stay apart.
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_LUA, EXPORT_SCRIPT_RESULTS, ExportScripts } from '../../src/export/export-scripts.js';
import { STORAGE_LUA } from '../../src/storage/lua-loader.js';
import { decodeFrom } from '../../src/storage/script-results.js';
import { describeLuaFolder } from '../harness/lua-files.js';

describe('the export result table', () => {
  it('refuses an answer it does not name', () => {
    expect(decodeFrom(EXPORT_SCRIPT_RESULTS, 'ack', 0)).toBe('not-head');
    expect(() => decodeFrom(EXPORT_SCRIPT_RESULTS, 'ack', 2)).toThrow(/ack answered 2/);
    expect(() => decodeFrom(EXPORT_SCRIPT_RESULTS, 'renew', null)).toThrow();
  });

  it('lives in a folder of its own, under command names of its own', () => {
    expect(EXPORT_LUA.dir.href).not.toBe(STORAGE_LUA.dir.href);
    expect(EXPORT_LUA.commandPrefix).not.toBe(STORAGE_LUA.commandPrefix);
  });
});

describeLuaFolder({ folder: EXPORT_LUA, results: EXPORT_SCRIPT_RESULTS, facade: ExportScripts });
