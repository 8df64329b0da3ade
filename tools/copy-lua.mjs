// Copies every module's Lua scripts (each src/<module>/lua/ folder: storage/lua, export/lua, ...) next to
// its compiled module: tsc emits only JavaScript, and lua-loader reads each folder beside the module that
// names it. Each old copy goes first, so a script deleted from src/ is gone from the build too.
// Usage: node tools/copy-lua.mjs <build root that mirrors src/, e.g. dist>
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: node tools/copy-lua.mjs <build root that mirrors src/, e.g. dist>');
  process.exit(2);
}
const folders = readdirSync('src', { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name === 'lua')
  // parentPath from Node 20.12; `path` before it (package.json allows 20.11).
  .map((entry) => relative('src', join(entry.parentPath ?? entry.path, entry.name)));
if (folders.length === 0) {
  console.error('copy-lua: no lua/ folder under src/');
  process.exit(1);
}
for (const folder of folders) {
  const destination = join(root, folder);
  rmSync(destination, { recursive: true, force: true });
  cpSync(join('src', folder), destination, { recursive: true });
}
