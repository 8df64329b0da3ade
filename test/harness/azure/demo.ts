/**
 * `npm run demo:azure`: the Defender for Cloud connector without an Azure subscription. Starts the local
 * HTTPS fakes of Microsoft Entra and Azure Resource Manager (Azure's published examples), then secsol
 * (dist/main.js) in local mode pointed at them, with the fakes' throwaway CA in NODE_EXTRA_CA_CERTS.
 * In another terminal: `npm run slack -- /secsol status`. A local receiver verifies and prints every signed
 * export (continuous export to a SIEM). Ctrl-C stops them all.
 *
 * Needs Redis (like `npm start`) and the openssl command. The demo's data lives under its own key prefix
 * (SECSOL_KEY_PREFIX, default `secsol-azure-demo`), apart from a real secsol's.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { recentEvents, startAzureFakes } from './azure-fakes.js';
import { startDemoReceiver } from './demo-receiver.js';

const fakes = await startAzureFakes({
  pageSize: 2,
  // One CEF source with a recent event (Not reported, "last event 3m ago"); the others keep 2018's.
  serve: recentEvents(['cef_omsprd_virtualhoneypot_Microsoft_demovm20'], 3 * 60_000),
});

const print = (line: string) => process.stdout.write(`[demo:azure] ${line}\n`);
// A local SIEM: every flip and event secsol exports arrives there signed, and is verified and printed.
const receiver = await startDemoReceiver((line) => process.stdout.write(`[demo:export] ${line}\n`));

const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  // Empty values win over a .env file: the demo always runs in local mode, never against a real Slack.
  SLACK_BOT_TOKEN: '',
  SLACK_SIGNING_SECRET: '',
  SLACK_APP_TOKEN: '',
  SECSOL_KEY_PREFIX: process.env.SECSOL_KEY_PREFIX ?? 'secsol-azure-demo',
  SECSOL_APPROVERS: process.env.SECSOL_APPROVERS ?? 'U0LOCALUSER',
  SECSOL_AZURE_POLL_EVERY: process.env.SECSOL_AZURE_POLL_EVERY ?? '1m',
  ...fakes.env(),
  SECSOL_EXPORT_URL: receiver.url,
  SECSOL_EXPORT_SECRET: receiver.secret,
};

print(`fake Microsoft Entra sign-in at ${fakes.entra.url}, fake Azure Resource Manager at ${fakes.arm.url}`);
print('starting secsol in local mode against them; in another terminal:  npm run slack -- /secsol status');

const app = spawn(process.execPath, ['--enable-source-maps', resolve('dist/main.js')], {
  env,
  stdio: 'inherit',
});

let stopping = false;
async function stop(code: number): Promise<never> {
  stopping = true;
  await fakes.close();
  await receiver.close();
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.kill('SIGTERM');
  });
}
app.on('exit', (code, signal) => {
  void stop(code ?? (signal ? 0 : 1));
});
