/** How connector failures are put in words (logs, App Home, the channel notice), and instance discovery. */
import { describe, expect, it } from 'vitest';
import {
  describeAzureError,
  isMicrosoftAuthority,
  signInError,
} from '../../src/connector/azure/azure-client.js';
import { failingNotice, recoveredNotice } from '../../src/connector/azure/azure-poller.js';

const MSAL_MESSAGE =
  "invalid_client: Error(s): 7000215 - Timestamp: 2026-11-30T18:10:54.405Z - Description: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'client-1'.\r\nTrace ID: 72ba\r\nCorrelation ID: c854\r\nTimestamp: 2026-11-30T18:10:54.405Z - Correlation ID: d504 - Trace ID: 72ba";

describe('describeAzureError', () => {
  it('keeps the OAuth error and the AADSTS description of a refused sign-in, not the trace ids', () => {
    const err = Object.assign(new Error(MSAL_MESSAGE), { name: 'AuthenticationRequiredError' });
    expect(describeAzureError(err, 'Qx8~realistic-secret-value', 30_000)).toBe(
      "sign-in to Microsoft Entra failed: invalid_client: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'client-1'.",
    );
    expect(signInError('something else\nsecond line')).toBe('something else');
  });

  it('names ARM status codes and timeouts', () => {
    const rest = Object.assign(new Error('boom'), { name: 'RestError', statusCode: 503, code: 'ServerBusy' });
    expect(describeAzureError(rest, 'Qx8~realistic-secret-value', 1000)).toBe(
      'Azure Resource Manager answered 503 ServerBusy: boom',
    );
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(describeAzureError(abort, 'Qx8~realistic-secret-value', 30_000)).toBe(
      'Azure did not answer within 30s',
    );
  });

  it('never repeats the client secret, even if a message echoed it', () => {
    const err = new Error('bad request: client_secret=hunter2-secret&client_id=x');
    expect(describeAzureError(err, 'hunter2-secret', 1000)).not.toContain('hunter2-secret');
  });
});

describe('the notices', () => {
  it('escape what Azure said', () => {
    expect(failingNotice('<!channel> 500')).toContain('&lt;!channel&gt; 500');
    expect(recoveredNotice(12 * 60_000)).toContain('after 12m of failures');
  });
});

describe('instance discovery', () => {
  it.each([
    ['https://login.microsoftonline.com', true],
    ['https://login.microsoftonline.us/', true],
    ['https://login.chinacloudapi.cn', true],
    ['https://127.0.0.1:8443', false],
    ['https://login.example.com', false],
  ])('%s is Microsoft: %s', (host, microsoft) => {
    expect(isMicrosoftAuthority(host)).toBe(microsoft);
  });
});
