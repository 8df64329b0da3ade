/**
 * Loads a folder of Lua scripts onto a connection. Each script is a file `<name>-<numberOfKeys>.lua`
 * (BullMQ's convention) whose header documents its KEYS, ARGV and answers. A folder's files are read once
 * per process; each connection gets them through ioredis' defineCommand, which runs a script by its SHA
 * (EVALSHA) and sends the source again when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 *
 * Each module keeps its scripts in a `lua/` folder beside it (storage/lua/, export/lua/) and names the
 * folder once with `luaFolder`; the build copies every such folder next to the compiled module
 * (tools/copy-lua.mjs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Connection } from './redis.js';

/** `<name>-<numberOfKeys>.lua`. */
export const LUA_FILE_NAME = /^(\w+)-(\d+)\.lua$/;

export type LuaArg = string | number;

interface LuaScript {
  numberOfKeys: number;
  lua: string;
}

/** One folder of scripts, and the prefix that keeps its command names apart from other folders'. */
export interface LuaFolder {
  readonly dir: URL;
  readonly commandPrefix: string;
}

/**
 * `dir` is resolved by the caller against its own `import.meta.url`, so the folder is found whatever the
 * working directory: src/<module>/lua/ when run from source, dist/<module>/lua/ once built.
 */
export function luaFolder(dir: URL, commandPrefix: string): LuaFolder {
  return { dir, commandPrefix };
}

/** The storage module's own scripts (storage/lua/). */
export const STORAGE_LUA = luaFolder(new URL('./lua/', import.meta.url), 'secsol');

const loaded = new Map<string, ReadonlyMap<string, LuaScript>>();

/**
 * A line `--- @include "name"` stands for the file includes/<name>.lua of the same folder (BullMQ's
 * convention): code two scripts share, such as the ingestion gate, is written once.
 */
export function withIncludes(lua: string, dir: URL): string {
  return lua.replace(/^--- @include "([\w-]+)"$/gm, (_, name: string) =>
    readFileSync(new URL(`includes/${name}.lua`, dir), 'utf8').trimEnd(),
  );
}

/** Every script in a folder by name, read on first use and kept for the life of the process. */
export function luaScripts(folder: LuaFolder): ReadonlyMap<string, LuaScript> {
  const cached = loaded.get(folder.dir.href);
  if (cached) return cached;
  const scripts = new Map<string, LuaScript>();
  for (const file of readdirSync(folder.dir)) {
    const m = LUA_FILE_NAME.exec(file);
    if (!m) continue;
    scripts.set(m[1] as string, {
      numberOfKeys: Number(m[2]),
      lua: withIncludes(readFileSync(new URL(file, folder.dir), 'utf8'), folder.dir),
    });
  }
  loaded.set(folder.dir.href, scripts);
  return scripts;
}

/** The command's name on the connection, apart from ioredis' own methods and from other folders' scripts. */
const commandName = (folder: LuaFolder, name: string) => `${folder.commandPrefix}:${name}`;

/** Defines a folder's scripts on a connection (once: a connection shared by several contexts keeps its own). */
export function defineLuaScripts(redis: Connection, folder: LuaFolder): void {
  for (const [name, script] of luaScripts(folder)) {
    const command = commandName(folder, name);
    if (!(command in redis)) redis.defineCommand(command, script);
  }
}

/** Runs a script defined by defineLuaScripts; the number of keys must be the one in its file name. */
export function runLua(
  redis: Connection,
  folder: LuaFolder,
  name: string,
  keys: string[],
  argv: LuaArg[],
): Promise<unknown> {
  const script = luaScripts(folder).get(name);
  if (!script) throw new Error(`no ${name}-<keys>.lua in ${folder.dir.pathname}`);
  if (keys.length !== script.numberOfKeys)
    throw new Error(`script ${name} takes ${script.numberOfKeys} keys`);
  const command = (redis as unknown as Record<string, (...a: LuaArg[]) => Promise<unknown>>)[
    commandName(folder, name)
  ];
  if (!command) throw new Error(`script ${name} is not defined on this connection`);
  return command.call(redis, ...keys, ...argv);
}
