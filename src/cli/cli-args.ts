/** The command line of `npm run slack`: a slash command, or a click on a numbered button. */
import { CliError, DEFAULT_WAIT_MS, SECRET_FILE } from './cli-settings.js';

export const USAGE = `Try secsol without Slack: sends signed Slack requests to a running secsol and prints the answers.

Usage:
  npm run slack -- /secsol [subcommand ...]   send a slash command, e.g. /secsol status, /secsol help
  npm run slack -- click <n>                  click button <n> of the last answer
  npm run slack -- click                      list the buttons of the last answer again
  npm run slack -- messages [channel] [-n N]  the channel's last N messages (default 10), buttons numbered m.b
  npm run slack -- click <m>.<b>              click button b of channel message m (e.g. Approve: click 3.1)
  npm run slack -- submit [--field name=value ...]   submit the modal open for you (unchanged fields keep
                                              the value shown); npm run slack -- modal shows it again
  npm run slack -- home                       open App Home (also: /secsol home)

Start secsol first without Slack credentials (local mode): npm start
Run this from the same directory: it reads the signing secret and the address of local mode's Slack that
secsol wrote to ${SECRET_FILE} and .secsol/local-slack-url.

Environment:
  SECSOL_URL             where secsol listens (default http://127.0.0.1:$PORT, PORT default 3000)
  SECSOL_USER            the Slack user id you act as (default U0LOCALUSER)
  SECSOL_CHANNEL         the channel messages and click <m>.<b> work on (default C0LOCAL)
  SLACK_SIGNING_SECRET   use this secret instead of ${SECRET_FILE}
  SECSOL_WAIT_MS         how long to wait for a delayed answer (default ${DEFAULT_WAIT_MS})`;

/** `click` with no number (`n: null`) lists the buttons again. */
export type Parsed =
  | { kind: 'usage' }
  | { kind: 'command'; text: string }
  | { kind: 'click'; n: number | null }
  | { kind: 'click-message'; message: number; button: number; channel?: string }
  | { kind: 'messages'; channel?: string; limit: number }
  | { kind: 'submit'; fields: Record<string, string> }
  | { kind: 'modal' }
  | { kind: 'home' };

const positive = (s: string | undefined) => {
  const n = Number(s);
  return Number.isInteger(n) && n >= 1 ? n : null;
};

function parseMessages(rest: string[]): Parsed {
  let channel: string | undefined;
  let limit = 10;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '-n' || arg === '--limit') {
      const n = positive(rest[++i]);
      if (n === null)
        throw new CliError('-n takes a number of messages, e.g. npm run slack -- messages -n 20');
      limit = n;
    } else if (/^[CGD][A-Z0-9]{2,}$/.test(arg) && channel === undefined) channel = arg;
    else throw new CliError(`messages takes a channel id (like C0LOCAL) and -n N, not "${arg}"`);
  }
  return { kind: 'messages', limit, ...(channel ? { channel } : {}) };
}

function parseSubmit(rest: string[]): Parsed {
  const fields: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const pair = arg === '--field' ? rest[++i] : arg.startsWith('--field=') ? arg.slice(8) : undefined;
    const eq = pair?.indexOf('=') ?? -1;
    if (pair === undefined || eq < 1)
      throw new CliError('submit takes --field name=value (repeat it for more fields)');
    fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { kind: 'submit', fields };
}

function parseClick(rest: string[]): Parsed {
  if (rest.length === 0) return { kind: 'click', n: null };
  const [target, ...more] = rest;
  const dotted = /^(\d+)\.(\d+)$/.exec(target ?? '');
  if (dotted) {
    let channel: string | undefined;
    if (more[0] === '--channel' && more[1] && more.length === 2) channel = more[1];
    else if (more.length > 0) throw new CliError('click <m>.<b> takes only --channel <id> after it');
    return {
      kind: 'click-message',
      message: Number(dotted[1]),
      button: Number(dotted[2]),
      ...(channel ? { channel } : {}),
    };
  }
  const n = positive(target);
  if (more.length > 0 || n === null) {
    throw new CliError(
      'click takes the number of a button of the last answer (click 2), or <message>.<button> of a channel message (click 3.1)',
    );
  }
  return { kind: 'click', n };
}

export function parseArgs(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'usage' };
  if (first === 'click') return parseClick(rest);
  if (first === 'messages') return parseMessages(rest);
  if (first === 'submit') return parseSubmit(rest);
  if (first === 'modal' && rest.length === 0) return { kind: 'modal' };
  if (first === 'home' && rest.length === 0) return { kind: 'home' };
  if (first.startsWith('/')) {
    if (first !== '/secsol') throw new CliError(`secsol only has the /secsol command, not ${first}`);
    // Slack has no command for the Home tab: opening it is what the user does.
    if (rest.length === 1 && rest[0] === 'home') return { kind: 'home' };
    return { kind: 'command', text: rest.join(' ') };
  }
  // `npm run slack -- status` is taken to mean `/secsol status`.
  return { kind: 'command', text: argv.join(' ') };
}
