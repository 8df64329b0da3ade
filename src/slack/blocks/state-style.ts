import { type HealthState, type Source, STATE_LABEL } from '../../domain/model.js';

/** Colored state markers: Slack has no colored text, so the color lives in the emoji. */
export const STATE_EMOJI: Record<HealthState, string> = {
  healthy: ':large_green_circle:',
  unhealthy: ':red_circle:',
  stopped_reporting: ':large_orange_circle:',
  not_reported: ':white_circle:',
};

export function stateBadge(state: HealthState): string {
  return `${STATE_EMOJI[state]} *${STATE_LABEL[state]}*`;
}

export const SEVERITY_EMOJI: Record<string, string> = {
  informational: ':information_source:',
  low: ':small_blue_diamond:',
  medium: ':large_yellow_circle:',
  high: ':red_circle:',
  critical: ':rotating_light:',
};

/** Where a solution's data comes from, for solutions read from Defender for Cloud ('' for pushed ones). */
export function sourceBadge(source: Source): string {
  return source === 'azure' ? ':cloud: _Defender for Cloud_' : '';
}

/** The confirmation Connect asks for on a solution read from Azure: it changes nothing in Azure. */
export const AZURE_CONNECT_CONFIRM = {
  title: { type: 'plain_text' as const, text: 'Connect in secsol only?' },
  text: {
    type: 'plain_text' as const,
    text: 'This connects it in secsol only: nothing changes in Defender for Cloud (connect it there to deploy its integration). Defender for Cloud gives no health data for it, so secsol judges it by the 14-day rule on its security events.',
  },
  confirm: { type: 'plain_text' as const, text: 'Connect in secsol' },
  deny: { type: 'plain_text' as const, text: 'Cancel' },
};
