/** The last answer's messages and buttons, kept in `.secsol/last-reply.json` for `npm run slack -- click`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Choice, Message } from './choices.js';
import { CliError } from './cli-settings.js';

export const LAST_REPLY_FILE = '.secsol/last-reply.json';

export interface LastReply {
  savedAt: string;
  userId: string;
  channel: string;
  messages: Message[];
  choices: Choice[];
}

export function saveLastReply(reply: LastReply): void {
  mkdirSync(dirname(LAST_REPLY_FILE), { recursive: true });
  writeFileSync(LAST_REPLY_FILE, `${JSON.stringify(reply, null, 2)}\n`);
}

export function loadLastReply(): LastReply {
  let text: string;
  try {
    text = readFileSync(LAST_REPLY_FILE, 'utf8');
  } catch {
    throw new CliError(
      `Nothing to click yet (${LAST_REPLY_FILE} is missing): run a command first, e.g. npm run slack -- /secsol status`,
    );
  }
  try {
    const parsed = JSON.parse(text) as LastReply;
    if (
      !Array.isArray(parsed.messages) ||
      !Array.isArray(parsed.choices) ||
      typeof parsed.userId !== 'string'
    ) {
      throw new Error('unexpected shape');
    }
    return parsed;
  } catch {
    throw new CliError(
      `${LAST_REPLY_FILE} is not readable: run a command again, e.g. npm run slack -- /secsol status`,
    );
  }
}
