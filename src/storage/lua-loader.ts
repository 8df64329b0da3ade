/**
 * Loads the Lua scripts of storage/lua/ onto a connection. Each script is a file `<name>-<numberOfKeys>.lua`
 * (BullMQ's convention) whose header documents its KEYS, ARGV and answers. The files are read once per
 * process; each connection gets them through ioredis' defineCommand, which runs a script by its SHA
 * (EVALSHA) and sends the source again when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Connection } from './redis.js';

/**
 * Next to this module, whatever the working directory: src/storage/lua/ when run from source,
 * dist/storage/lua/ once built (the build copies the files there).
 */
export const LUA_DIR = new URL('./lua/', import.meta.url);
/** `<name>-<numberOfKeys>.lua`. */
export const LUA_FILE_NAME = /^(\w+)-(\d+)\.lua$/;

export type LuaArg = string | number;

interface LuaScript {
  numberOfKeys: number;
  lua: string;
}

let loaded: ReadonlyMap<string, LuaScript> | undefined;

/** Every script in lua/ by name, read on first use and kept for the life of the process. */
export function luaScripts(): ReadonlyMap<string, LuaScript> {
  if (loaded) return loaded;
  const scripts = new Map<string, LuaScript>();
  for (const file of readdirSync(LUA_DIR)) {
    const m = LUA_FILE_NAME.exec(file);
    if (!m) continue;
    scripts.set(m[1] as string, {
      numberOfKeys: Number(m[2]),
      lua: readFileSync(new URL(file, LUA_DIR), 'utf8'),
    });
  }
  loaded = scripts;
  return scripts;
}

/** The command's name on the connection, apart from ioredis' own methods. */
const commandName = (name: string) => `secsol:${name}`;

/** Defines every script on a connection (once: a connection shared by several contexts keeps its own). */
export function defineLuaScripts(redis: Connection): void {
  for (const [name, script] of luaScripts()) {
    if (!(commandName(name) in redis)) redis.defineCommand(commandName(name), script);
  }
}

/** Runs a script defined by defineLuaScripts; the number of keys must be the one in its file name. */
export function runLua(redis: Connection, name: string, keys: string[], argv: LuaArg[]): Promise<unknown> {
  const script = luaScripts().get(name);
  if (!script) throw new Error(`no ${name}-<keys>.lua in ${LUA_DIR.pathname}`);
  if (keys.length !== script.numberOfKeys)
    throw new Error(`script ${name} takes ${script.numberOfKeys} keys`);
  const command = (redis as unknown as Record<string, (...a: LuaArg[]) => Promise<unknown>>)[
    commandName(name)
  ];
  if (!command) throw new Error(`script ${name} is not defined on this connection`);
  return command.call(redis, ...keys, ...argv);
}
