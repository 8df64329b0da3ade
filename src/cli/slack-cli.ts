/**
 * `npm run slack`: plays Slack against a running secsol, for trying it without a Slack workspace (local
 * mode, see docs/contract.md). It sends `/secsol …` and button clicks signed exactly as Slack signs them,
 * serves a one-shot `response_url` on 127.0.0.1, and prints every answer as text with its buttons
 * numbered, so that `npm run slack -- click 2` clicks the second one. Pure Node: fetch and node:http.
 *
 * The parts: cli-args.ts (the command line), cli-settings.ts (where secsol is, the secret, the user),
 * local-requests.ts (the requests, built by src/slack/request-signing.ts), exchange.ts (sending one and
 * collecting its answers), answer-text.ts (answers as text), choices.ts and last-reply.ts (the numbered
 * buttons, kept in `.secsol/last-reply.json` for `click`).
 */
import { pathToFileURL } from 'node:url';
import { interactivityBody } from '../slack/request-signing.js';
import { renderAnswer } from './answer-text.js';
import { choiceLine, listChoices } from './choices.js';
import { parseArgs, USAGE } from './cli-args.js';
import { CliError, LOCAL_CHANNEL, type Settings, settingsFrom } from './cli-settings.js';
import { exchange } from './exchange.js';
import { loadLastReply, saveLastReply } from './last-reply.js';
import { clickPayload, commandBody } from './local-requests.js';

export interface Output {
  out: (s: string) => void;
  err: (s: string) => void;
}

async function sendCommand(text: string, settings: Settings, write: (s: string) => void): Promise<void> {
  write(`${`/secsol ${text}`.trimEnd()}  → ${settings.url} as ${settings.userId} in #${LOCAL_CHANNEL}\n`);
  const ex = await exchange(settings, (responseUrl) => commandBody(text, settings.userId, responseUrl));
  const answer = renderAnswer(ex, { userId: settings.userId, channel: LOCAL_CHANNEL, clicked: false });
  if (answer.reply) saveLastReply(answer.reply);
  write(answer.text);
}

async function click(n: number, settings: Settings, write: (s: string) => void): Promise<void> {
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
  const ex = await exchange(settings, (responseUrl) =>
    interactivityBody(clickPayload(clicking, choice, responseUrl)),
  );
  const answer = renderAnswer(ex, { userId: settings.userId, channel: last.channel, clicked: true });
  if (answer.reply) saveLastReply(answer.reply);
  write(answer.text);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: Output): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'usage') {
      io.out(`${USAGE}\n`);
    } else if (parsed.kind === 'click' && parsed.n === null) {
      io.out(`${listChoices(loadLastReply().choices).join('\n')}\n`);
    } else if (parsed.kind === 'click') {
      await click(parsed.n ?? 1, settingsFrom(env), io.out);
    } else {
      await sendCommand(parsed.text, settingsFrom(env), io.out);
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
