/**
 * `npm run slack`: plays Slack against a running secsol, for trying it without a Slack workspace (local
 * mode, see docs/contract.md). It sends `/secsol …`, button clicks, modal submissions and App Home
 * openings signed exactly as Slack signs them, with response_urls served by local mode's own loopback
 * Slack, and prints every answer as text with its buttons numbered, so that `npm run slack -- click 2`
 * clicks the second one. It lists the channel messages secsol posted (`messages`), with buttons numbered
 * `<message>.<button>`. Pure Node: fetch.
 *
 * The parts: cli-args.ts (the command line), cli-settings.ts (where secsol is, the secret, the user),
 * local-slack-client.ts (reads from local mode's Slack), local-requests.ts (the requests, built by
 * src/slack/request-signing.ts), exchange.ts (sending one and collecting its answers), answer-text.ts
 * and channel-text.ts (answers, messages and modals as text), local-commands.ts (messages, click m.b,
 * submit, home), choices.ts and last-reply.ts (the numbered buttons, kept in `.secsol/last-reply.json`).
 */
import { pathToFileURL } from 'node:url';
import type { TextStyle } from '../slack/render-text.js';
import { interactivityBody } from '../slack/request-signing.js';
import { renderAnswer } from './answer-text.js';
import { choiceLine, listChoices } from './choices.js';
import { parseArgs, USAGE } from './cli-args.js';
import { CliError, LOCAL_CHANNEL, type Settings, settingsFrom } from './cli-settings.js';
import { exchange } from './exchange.js';
import { loadLastReply, saveLastReply } from './last-reply.js';
import { clickMessage, listMessages, openHome, showModal, submitModal } from './local-commands.js';
import { clickPayload, commandBody } from './local-requests.js';
import { LocalSlack } from './local-slack-client.js';

export interface Output {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Draw bold and italics with ANSI codes (stdout is a terminal). */
  ansi?: boolean;
}

async function sendCommand(
  text: string,
  settings: Settings,
  local: LocalSlack,
  style: TextStyle,
  write: (s: string) => void,
): Promise<void> {
  write(`${`/secsol ${text}`.trimEnd()}  → ${settings.url} as ${settings.userId} in #${LOCAL_CHANNEL}\n`);
  const ex = await exchange(settings, local, { channel: LOCAL_CHANNEL }, (responseUrl, triggerId) => ({
    body: commandBody(text, settings.userId, responseUrl, triggerId),
  }));
  const answer = renderAnswer(ex, { userId: settings.userId, channel: LOCAL_CHANNEL, clicked: false, style });
  if (answer.reply) saveLastReply(answer.reply);
  write(answer.text);
}

async function click(
  n: number,
  settings: Settings,
  local: LocalSlack,
  style: TextStyle,
  write: (s: string) => void,
): Promise<void> {
  const last = loadLastReply();
  const choice = last.choices[n - 1];
  if (!choice) {
    throw new CliError(
      `There is no button ${n}: the last answer has ${last.choices.length}.\n${listChoices(last.choices).join('\n')}`,
    );
  }
  write(`click ${choiceLine(choice, n).trim()}  → as ${settings.userId}\n`);
  if (choice.confirm) write(`(confirmed "${choice.confirm}")\n`);
  const clicking = { ...last, userId: settings.userId };
  const ex = await exchange(settings, local, { channel: last.channel }, (responseUrl, triggerId) => ({
    body: interactivityBody(clickPayload(clicking, choice, responseUrl, triggerId)),
  }));
  const answer = renderAnswer(ex, { userId: settings.userId, channel: last.channel, clicked: true, style });
  if (answer.reply) saveLastReply(answer.reply);
  write(answer.text);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Output): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    const style: TextStyle = { ansi: io.ansi === true };
    if (parsed.kind === 'usage') {
      io.out(`${USAGE}\n`);
      return 0;
    }
    if (parsed.kind === 'click' && parsed.n === null) {
      io.out(`${listChoices(loadLastReply().choices).join('\n')}\n`);
      return 0;
    }
    const settings = settingsFrom(env);
    const local = LocalSlack.fromEnv(env);
    switch (parsed.kind) {
      case 'click':
        await click(parsed.n ?? 1, settings, local, style, io.out);
        break;
      case 'click-message':
        await clickMessage(local, settings, parsed, style, io.out);
        break;
      case 'messages':
        await listMessages(local, parsed.channel ?? settings.channel, parsed.limit, style, io.out);
        break;
      case 'submit':
        await submitModal(local, settings, parsed.fields, style, io.out);
        break;
      case 'modal':
        await showModal(local, settings, style, io.out);
        break;
      case 'home':
        await openHome(local, settings, style, io.out);
        break;
      default:
        await sendCommand(parsed.text, settings, local, style, io.out);
    }
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2), process.env, {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    ansi: process.stdout.isTTY === true && !process.env.NO_COLOR,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(
        `slack-cli failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
