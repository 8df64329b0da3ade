/**
 * Registers every Slack surface on the Bolt app: commands, actions, views and events.
 * Each surface has its own folder and registrar; handlers are small files named for what they do.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../slack-deps.js';

export function registerListeners(_app: App, _deps: SlackDeps): void {}
