import { describe, expect, it } from 'vitest';
import { isAllowedSlackUrl } from '../../src/slack/egress.js';

const slackMode = { slack: { local: false, timeoutMs: 1000 } };
const withFake = { slack: { local: false, timeoutMs: 1000, apiUrl: 'http://127.0.0.1:4567/api/' } };

describe('isAllowedSlackUrl', () => {
  it("allows Slack's response URLs and Web API on the standard port", () => {
    expect(isAllowedSlackUrl('https://hooks.slack.com/commands/T1/2/abc', slackMode)).toBe(true);
    expect(isAllowedSlackUrl('https://slack.com/api/chat.postMessage', slackMode)).toBe(true);
  });

  it('refuses Slack hosts on another port, with credentials, over http, or look-alike hosts', () => {
    for (const url of [
      'https://hooks.slack.com:8443/commands/T1/2/abc',
      'https://hooks.slack.com:1/x',
      'https://user:pw@hooks.slack.com/x',
      'http://hooks.slack.com/x',
      'https://hooks.slack.com.evil.example/x',
      'https://evil.example/hooks.slack.com',
      'not a url',
    ]) {
      expect(isAllowedSlackUrl(url, slackMode), url).toBe(false);
    }
  });

  it('allows the configured API origin only, not other loopback ports', () => {
    expect(isAllowedSlackUrl('http://127.0.0.1:4567/api/chat.update', withFake)).toBe(true);
    expect(isAllowedSlackUrl('http://127.0.0.1:6379/', withFake)).toBe(false);
  });
});

describe('isAllowedSlackUrl in local mode', () => {
  const local = { slack: { local: true, timeoutMs: 1000 } };
  const withLoopbackSlack = { slack: { ...local.slack, apiUrl: 'http://127.0.0.1:4567/api/' } };

  it("allows only the loopback Slack's own origin (its Web API and response_urls)", () => {
    expect(
      isAllowedSlackUrl('http://127.0.0.1:4567/response/0123456789abcdef01234567', withLoopbackSlack),
    ).toBe(true);
    for (const url of [
      'http://127.0.0.1:4568/response/x',
      'http://localhost:4567/x',
      'http://127.0.0.1:6379/',
    ]) {
      expect(isAllowedSlackUrl(url, withLoopbackSlack), url).toBe(false);
    }
  });

  it('refuses every loopback URL when no loopback Slack is configured', () => {
    expect(isAllowedSlackUrl('http://127.0.0.1:4567/response/x', local)).toBe(false);
  });
});
