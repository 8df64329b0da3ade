import { describe, expect, it } from 'vitest';
import { classifySlackError, scrub } from '../../src/slack/web-client.js';

describe('when the Slack SDKs log raw payloads', () => {
  it('scrubs response URLs and tokens', () => {
    const raw =
      '{"response_url":"https://hooks.slack.com/actions/T1/2/abc","token":"xoxb-1-2-abc","app":"xapp-1-A1-2-x"}';
    const out = scrub(raw);
    expect(out).not.toContain('hooks.slack.com');
    expect(out).not.toContain('xoxb-1');
    expect(out).not.toContain('xapp-1');
    expect(out).toContain('[response_url]');
  });
});

describe('when Slack answers with an error', () => {
  it.each([
    [
      { code: 'slack_webapi_rate_limited_error', retryAfter: 3 },
      { kind: 'rate-limited', retryAfterMs: 3000 },
    ],
    [
      { code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } },
      { kind: 'permanent', error: 'channel_not_found' },
    ],
    [
      { code: 'slack_webapi_platform_error', data: { error: 'internal_error' } },
      { kind: 'transient', error: 'internal_error' },
    ],
    [
      { code: 'slack_webapi_request_error', message: 'fetch failed' },
      { kind: 'transient', error: 'fetch failed' },
    ],
  ])('classifies %o', (err, expected) => {
    expect(classifySlackError(err)).toEqual(expected);
  });
});
