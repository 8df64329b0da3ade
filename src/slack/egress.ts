/**
 * Where the Slack side of secsol may send HTTP requests: Slack's Web API (or the stand-in it was
 * configured with, in local mode the loopback Slack), and Slack's response URLs. A signed payload's
 * `response_url` is still data; following an arbitrary one would let anyone who can shape a payload make
 * us call into the network. Bolt's `respond()` and the Web API client both go through `guardedFetch`.
 */
import type { Config } from '../config/config.js';

export function isAllowedSlackUrl(url: string, config: Pick<Config, 'slack'>): boolean {
  if (url.length > 2000) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Slack's own hosts on the standard port only: `https://hooks.slack.com:8443/` is not Slack.
  if (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    (parsed.hostname === 'hooks.slack.com' || parsed.hostname === 'slack.com')
  ) {
    return true;
  }
  // The configured stand-in: in local mode the loopback Slack (its Web API and the response_urls it hands
  // `npm run slack`), never another loopback port.
  if (config.slack.apiUrl) {
    try {
      return new URL(config.slack.apiUrl).origin === parsed.origin;
    } catch {
      return false;
    }
  }
  return false;
}

export class EgressRefused extends Error {
  constructor(host: string) {
    super(`refused to send a request to ${host}: not a Slack address`);
    this.name = 'EgressRefused';
  }
}

/** A fetch that refuses any address `isAllowedSlackUrl` does not accept. */
export function guardedFetch(config: Pick<Config, 'slack'>): typeof fetch {
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!isAllowedSlackUrl(url, config)) {
      let host = 'an invalid URL';
      try {
        host = new URL(url).host;
      } catch {}
      return Promise.reject(new EgressRefused(host));
    }
    return fetch(input, init);
  };
}
