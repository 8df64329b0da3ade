/** The command line of `npm run slack`: a slash command, or a click on a numbered button. */
import { CliError, DEFAULT_WAIT_MS, SECRET_FILE } from './cli-settings.js';

export const USAGE = `Try secsol without Slack: sends signed Slack requests to a running secsol and prints the answers.

Usage:
  npm run slack -- /secsol [subcommand ...]   send a slash command, e.g. /secsol status, /secsol help
  npm run slack -- click <n>                  click button <n> of the last answer
  npm run slack -- click                      list the buttons of the last answer again

Start secsol first without Slack credentials (local mode): npm start
Run this from the same directory: it reads the signing secret secsol wrote to ${SECRET_FILE}.

Environment:
  SECSOL_URL             where secsol listens (default http://127.0.0.1:$PORT, PORT default 3000)
  SECSOL_USER            the Slack user id you act as (default U0LOCALUSER)
  SLACK_SIGNING_SECRET   use this secret instead of ${SECRET_FILE}
  SECSOL_WAIT_MS         how long to wait for a delayed answer (default ${DEFAULT_WAIT_MS})

What secsol sends through the Slack Web API (channel messages, modals, App Home) is printed in its own
terminal as [slack] lines.`;

/** `click` with no number (`n: null`) lists the buttons again. */
export type Parsed =
  | { kind: 'usage' }
  | { kind: 'command'; text: string }
  | { kind: 'click'; n: number | null };

export function parseArgs(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'usage' };
  if (first === 'click') {
    if (rest.length === 0) return { kind: 'click', n: null };
    const n = Number(rest[0]);
    if (rest.length > 1 || !Number.isInteger(n) || n < 1) {
      throw new CliError('click takes the number of a button, e.g. npm run slack -- click 2');
    }
    return { kind: 'click', n };
  }
  if (first.startsWith('/')) {
    if (first !== '/secsol') throw new CliError(`secsol only has the /secsol command, not ${first}`);
    return { kind: 'command', text: rest.join(' ') };
  }
  // `npm run slack -- status` is taken to mean `/secsol status`.
  return { kind: 'command', text: argv.join(' ') };
}
