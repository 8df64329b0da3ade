/**
 * The Configure and Link resources modals (pure builders). Their `private_metadata` is a `modalRef`
 * ({s, v, c?}): the solution, its version when the modal opened (a save is refused if it changed since)
 * and the channel of the click (where the result is told). Names in labels and titles are plain_text.
 */
import type { KnownBlock, View } from '@slack/types';
import { type HealthPolicy, policyFor } from '../../domain/health.js';
import type { SolutionRecord } from '../../storage/solution-record.js';
import { CALLBACK } from '../action-values.js';
import { codeTrunc, escTrunc, oneLine } from '../mrkdwn.js';

export interface ModalMeta {
  s: string;
  v: number;
  c?: string;
}

/** Input block ids (errors are keyed by them) and their elements' action ids. */
export const CONFIGURE_FIELDS = {
  name: 'cfg_name',
  consoleUrl: 'cfg_console_url',
  every: 'cfg_every',
  grace: 'cfg_grace',
  alertChannel: 'cfg_alert_channel',
  owner: 'cfg_owner',
  ownerGroup: 'cfg_owner_group',
  threshold: 'cfg_threshold',
} as const;
export type ConfigureField = keyof typeof CONFIGURE_FIELDS;

export const LINK_FIELD = 'link_resources';

export function isUserId(id: string | undefined): id is string {
  return id !== undefined && /^[UW][A-Z0-9]{2,}$/.test(id);
}

/** A Slack user-group id (an owner may be a group: alerts mention `<!subteam^S…>`). */
export function isGroupId(id: string | undefined): id is string {
  return id !== undefined && /^S[A-Z0-9]{2,}$/.test(id);
}

export const NAME_MAX = 200;
export const URL_MAX = 3000;
export const RESOURCES_MAX = 50;
export const RESOURCE_MAX_CHARS = 300;
/** What one plain_text_input can hold. */
export const INPUT_MAX = 3000;

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** A duration as it is typed back (`90s`, `15m`, `1h`, `2d`): the largest unit that divides it exactly. */
export function durationInput(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function plain(text: string) {
  return { type: 'plain_text' as const, text };
}

function textInput(
  field: string,
  label: string,
  opts: {
    initial?: string;
    placeholder?: string;
    hint?: string;
    optional?: boolean;
    max?: number;
    multiline?: boolean;
  },
): KnownBlock {
  return {
    type: 'input',
    block_id: field,
    optional: opts.optional ?? true,
    label: plain(label),
    ...(opts.hint ? { hint: plain(opts.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: field,
      ...(opts.multiline ? { multiline: true } : {}),
      max_length: opts.max ?? INPUT_MAX,
      ...(opts.initial ? { initial_value: opts.initial } : {}),
      ...(opts.placeholder ? { placeholder: plain(opts.placeholder) } : {}),
    },
  };
}

function modal(callbackId: string, title: string, meta: ModalMeta, blocks: KnownBlock[]): View {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(meta),
    title: plain(title),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

function heading(record: SolutionRecord, text: string): KnownBlock {
  const s = record.solution;
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*${escTrunc(oneLine(s.name), 150)}* (${escTrunc(oneLine(s.vendor), 80)})\n${text}`,
    },
  };
}

export function configureModal(record: SolutionRecord, defaults: HealthPolicy, meta: ModalMeta): View {
  const s = record.solution;
  const f = CONFIGURE_FIELDS;
  const channel = s.alertChannel && /^[CG][A-Z0-9]{2,}$/.test(s.alertChannel) ? s.alertChannel : undefined;
  const owner = isUserId(s.owner) ? s.owner : undefined;
  const blocks: KnownBlock[] = [
    heading(record, 'Empty fields fall back to secsol’s defaults.'),
    textInput(f.name, 'Name', {
      initial: oneLine(s.name).slice(0, NAME_MAX),
      optional: false,
      max: NAME_MAX,
    }),
    textInput(f.consoleUrl, 'Solution console URL', {
      initial: s.consoleUrl && s.consoleUrl.length <= URL_MAX ? s.consoleUrl : undefined,
      placeholder: 'https://console.example.com',
      max: URL_MAX,
    }),
    textInput(f.every, 'Expected every', {
      initial: s.every !== undefined ? durationInput(s.every) : undefined,
      placeholder: `default ${durationInput(defaults.every)}`,
      hint: 'How often the solution reports its health: 90s, 15m, 1h, 1d.',
      max: 20,
    }),
    textInput(f.grace, 'Grace', {
      initial: s.grace !== undefined ? durationInput(s.grace) : undefined,
      placeholder: `default ${durationInput(defaults.grace)}`,
      hint: 'How late a report may be before the solution counts as stopped reporting.',
      max: 20,
    }),
    {
      type: 'input',
      block_id: f.alertChannel,
      optional: true,
      label: plain('Alert channel'),
      hint: plain('Where this solution’s alerts go; empty means the default alert channel.'),
      element: {
        type: 'conversations_select',
        action_id: f.alertChannel,
        placeholder: plain('Default alert channel'),
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(channel ? { initial_conversation: channel } : {}),
      },
    },
    {
      type: 'input',
      block_id: f.owner,
      optional: true,
      label: plain('Owner'),
      ...(s.owner && !owner && !isGroupId(s.owner)
        ? {
            hint: plain(`Now: ${oneLine(s.owner).slice(0, 200)} (not a Slack user). Leave empty to keep it.`),
          }
        : {}),
      element: {
        type: 'users_select',
        action_id: f.owner,
        placeholder: plain('No owner'),
        ...(owner ? { initial_user: owner } : {}),
      },
    },
    textInput(f.ownerGroup, 'Owner user group', {
      initial: isGroupId(s.owner) ? s.owner : undefined,
      placeholder: 'S0123ABCD',
      hint: 'A Slack user-group ID to mention in alerts instead of a person (it wins over the person above).',
      max: 20,
    }),
    {
      type: 'input',
      block_id: f.threshold,
      optional: true,
      label: plain('Flapping threshold'),
      hint: plain(
        `Consecutive unhealthy reports before the solution counts as unhealthy (1 to 100; default ${defaults.unhealthyThreshold}).`,
      ),
      element: {
        type: 'number_input',
        action_id: f.threshold,
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '100',
        ...(s.unhealthyThreshold !== undefined ? { initial_value: String(s.unhealthyThreshold) } : {}),
      },
    },
  ];
  const policy = policyFor(s, defaults);
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `In force now: every ${durationInput(policy.every)} + ${durationInput(policy.grace)} grace, threshold ${policy.unhealthyThreshold} · id \`${codeTrunc(s.id, 80)}\` · version ${s.version}`,
      },
    ],
  });
  return modal(CALLBACK.configure, 'Configure solution', meta, blocks);
}

/** The linked resources as the input's initial value, whole lines only, within what the input holds. */
export function resourcesInitial(resources: readonly string[]): { text: string; shown: number } {
  let text = '';
  let shown = 0;
  for (const r of resources) {
    const next = text ? `${text}\n${r}` : r;
    if (next.length > INPUT_MAX) break;
    text = next;
    shown += 1;
  }
  return { text, shown };
}

export function linkResourcesModal(record: SolutionRecord, meta: ModalMeta): View {
  const resources = record.solution.linkedResources;
  const initial = resourcesInitial(resources);
  const blocks: KnownBlock[] = [
    heading(
      record,
      `Resources this solution protects, one ID per line (e.g. an Azure VM resource ID): at most ${RESOURCES_MAX}, each up to ${RESOURCE_MAX_CHARS} characters. Saving replaces the list; an empty box unlinks everything.`,
    ),
    textInput(LINK_FIELD, 'Resource IDs', {
      initial: initial.text || undefined,
      placeholder: '/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/vm-1',
      multiline: true,
    }),
  ];
  if (initial.shown < resources.length) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `:warning: Only the first ${initial.shown} of ${resources.length} linked resources fit in this box; saving keeps only what the box holds.`,
        },
      ],
    });
  }
  return modal(CALLBACK.link, 'Link resources', meta, blocks);
}
