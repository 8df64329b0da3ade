import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../slack-deps.js';

export function registerActions(_app: App, _deps: SlackDeps): void {}
