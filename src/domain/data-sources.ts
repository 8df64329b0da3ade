/**
 * The "Add data sources" catalogue (the seed's third part of the Security solutions page): what else can
 * be connected and how, step by step. Pure data and string building; the base URL is passed in because
 * only the configuration knows where this server is reached.
 */
import type { Family } from './model.js';

export interface DataSource {
  /** Stable key carried by the Add button (`{"k": key}`). */
  key: string;
  name: string;
  description: string;
  /** What the enrollment command sends: a starting point the operator edits. */
  enroll: { name: string; vendor: string; family: Family };
  /** Steps before the enrollment command. */
  setup: string[];
  /** Steps after it (how the source keeps reporting). */
  after: string[];
}

const REPORT_AFTER = [
  'An approver approves the connection request posted in Slack.',
  'Read the token once: `GET /api/v1/enroll/<enrollmentId>` with the same key returns `solutionId` and `token`. Store the token as a secret on the machine.',
  'Report health on a schedule (cron, systemd timer), at least as often as the expected cadence (1h by default): `POST /api/v1/solutions/<solutionId>/health` with `{"status":"healthy"}` or `{"status":"unhealthy","message":"…"}`.',
  'Optionally forward security events: `POST /api/v1/solutions/<solutionId>/events` with `{"events":[{"id":"…","severity":"high","title":"…"}]}`.',
];

export const DATA_SOURCES: readonly DataSource[] = [
  {
    key: 'push-api',
    name: 'Any tool that can POST JSON',
    description:
      'Firewalls, scanners, EDR agents or your own scripts enroll themselves with the enrollment key and report health and security events over HTTPS.',
    enroll: { name: 'My security tool', vendor: 'Vendor', family: 'other' },
    setup: ['Ask a secsol admin for the enrollment key and export it as `SECSOL_ENROLLMENT_KEY`.'],
    after: REPORT_AFTER,
  },
  {
    key: 'defender-for-cloud',
    name: 'Microsoft Defender for Cloud',
    description:
      'Security solutions, discovered solutions, external solutions and their alerts, read from Azure Resource Manager.',
    enroll: { name: 'Partner solution outside Defender', vendor: 'Vendor', family: 'other' },
    setup: [
      'Create a service principal with the *Security Reader* role on the subscription (read-only; it is all secsol needs): `az ad sp create-for-rbac --name secsol --role "Security Reader" --scopes /subscriptions/<subscription-id>`. It prints `appId`, `password` and `tenant`.',
      'Set `AZURE_SUBSCRIPTION_ID` (the subscription), `AZURE_TENANT_ID` (`tenant`), `AZURE_CLIENT_ID` (`appId`) and `AZURE_CLIENT_SECRET` (`password`) in secsol’s environment and restart it. All four go together.',
      'Within a minute, and then every 5 minutes (`SECSOL_AZURE_POLL_EVERY`): Defender’s security solutions appear connected with their health, CEF and ATA sources connected with their last event, discovered solutions (and Azure AD Identity Protection) under *Discovered solutions* with *Connect*, and Defender’s alerts as security events. Connect and Delete act in secsol only.',
      'If it cannot read Azure, App Home and `/metrics` say so and one message is posted here; secsol keeps running.',
      'A partner solution that Defender does not know about can still enroll itself:',
    ],
    after: REPORT_AFTER.slice(0, 1),
  },
  {
    key: 'syslog-cef-forwarder',
    name: 'Syslog / CEF forwarder',
    description:
      'A Linux log forwarder that collects CEF and syslog from appliances (firewalls, WAFs, proxies). A small script on the forwarder reports its health through the API.',
    enroll: { name: 'CEF forwarder', vendor: 'rsyslog', family: 'siem' },
    setup: [
      'On the forwarder, export the enrollment key as `SECSOL_ENROLLMENT_KEY`.',
      'Pick a check that proves logs flow (e.g. the forwarder’s spool file changed in the last 10 minutes).',
    ],
    after: REPORT_AFTER,
  },
  {
    key: 'on-prem-machines',
    name: 'Machines on premises',
    description:
      'Servers in your own data center running an EDR or vulnerability agent. A script on each machine (or on one collector) reports the agent’s health.',
    enroll: { name: 'On-prem EDR', vendor: 'Vendor', family: 'edr' },
    setup: ['On the machine, export the enrollment key as `SECSOL_ENROLLMENT_KEY`.'],
    after: REPORT_AFTER,
  },
  {
    key: 'other-clouds',
    name: 'Machines in other clouds',
    description:
      'Workloads in AWS, Google Cloud or elsewhere. A script (or a scheduled function) reports the security agent’s health through the API.',
    enroll: { name: 'AWS workloads agent', vendor: 'Vendor', family: 'edr' },
    setup: ['In the scheduler or function, set `SECSOL_ENROLLMENT_KEY` from your secret store.'],
    after: REPORT_AFTER,
  },
];

export function dataSourceByKey(key: string): DataSource | undefined {
  return DATA_SOURCES.find((s) => s.key === key);
}

/**
 * A ready-to-run enrollment command. The key is referenced as a shell variable (double quotes, so the
 * shell expands it), never printed: instructions are shown in Slack.
 */
export function enrollCommand(source: DataSource, baseUrl: string): string {
  const body = JSON.stringify(source.enroll).replace(/'/g, "'\\''");
  return [
    `curl -X POST ${baseUrl.replace(/\/+$/, '')}/api/v1/enroll \\`,
    `  -H "Authorization: Bearer $SECSOL_ENROLLMENT_KEY" \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '${body}'`,
  ].join('\n');
}

/** The full instructions, in order: setup steps, the enrollment command, then the steps after it. */
export function dataSourceSteps(
  source: DataSource,
  baseUrl: string,
): { setup: string[]; command: string; after: string[] } {
  return { setup: [...source.setup], command: enrollCommand(source, baseUrl), after: [...source.after] };
}
