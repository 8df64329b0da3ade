// Copies the Lua scripts (src/storage/lua/) next to the compiled storage module: tsc emits only JavaScript,
// and lua-loader reads the scripts from the folder beside it. The old copy goes first, so a script deleted
// from src/ is gone from the build too. Usage: node tools/copy-lua.mjs <destination folder>
import { cpSync, rmSync } from 'node:fs';

const destination = process.argv[2];
if (!destination) {
  console.error('usage: node tools/copy-lua.mjs <destination folder>');
  process.exit(2);
}
rmSync(destination, { recursive: true, force: true });
cpSync('src/storage/lua', destination, { recursive: true });
