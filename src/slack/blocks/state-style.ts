import { type HealthState, STATE_LABEL } from '../../domain/model.js';

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
