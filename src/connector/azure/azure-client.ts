/**
 * Reading Defender for Cloud with the official SDKs: `ClientSecretCredential` (@azure/identity) signs in to
 * Microsoft Entra, `SecurityCenter` (@azure/arm-security) reads the four lists, each followed through its
 * `nextLink` pages to the end. No hand-written ARM or token HTTP.
 *
 * Faults: the SDK's retry policy already waits out 429 `Retry-After` and backs off on 5xx and network
 * errors; a timed-out request is an abort to the SDK (never retried), so timeouts are retried here with
 * the same exponential backoff; a 401 (token expired or revoked) gets a fresh credential, hence a fresh
 * token, once.
 */
import { type AlertsListOptionalParams, SecurityCenter } from '@azure/arm-security';
import { AzureAuthorityHosts, ClientSecretCredential } from '@azure/identity';
import type { DefenderLists } from './azure-schemas.js';

export interface AzureSettings {
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  resourceManagerUrl: string;
  authorityHost: string;
  timeoutMs: number;
  retryBackoffMs: number;
}

/** Retries of one request (the SDK's) and of a timed-out read (ours). */
export const AZURE_RETRIES = 3;

const MICROSOFT_AUTHORITIES = new Set(
  Object.values(AzureAuthorityHosts).map((url) => new URL(url).hostname.toLowerCase()),
);

/**
 * Instance discovery asks login.microsoftonline.com whether the authority is a known cloud; a sign-in host
 * that is not Microsoft's (a private cloud, a local fake) must turn it off, or sign-in fails. The
 * AZURE_AUTHORITY_HOST variable alone does not turn it off: the credential needs the option.
 */
export function isMicrosoftAuthority(authorityHost: string): boolean {
  return MICROSOFT_AUTHORITIES.has(new URL(authorityHost).hostname.toLowerCase());
}

function createClient(s: AzureSettings): SecurityCenter {
  const retryOptions = {
    maxRetries: AZURE_RETRIES,
    retryDelayInMs: s.retryBackoffMs,
    maxRetryDelayInMs: s.retryBackoffMs * 2 ** AZURE_RETRIES,
  };
  const credential = new ClientSecretCredential(s.tenantId, s.clientId, s.clientSecret, {
    authorityHost: s.authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthority(s.authorityHost),
    retryOptions,
  });
  // The token scope stays https://management.azure.com/.default whatever the endpoint (the SDK's default).
  return new SecurityCenter(credential, s.subscriptionId, { endpoint: s.resourceManagerUrl, retryOptions });
}

function isUnauthorized(err: unknown): boolean {
  return (err as { statusCode?: unknown })?.statusCode === 401;
}

function isAbort(err: unknown): boolean {
  return (err as { name?: unknown })?.name === 'AbortError';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of pages) out.push(item);
  return out;
}

export class DefenderReader {
  private client: SecurityCenter;

  constructor(private readonly settings: AzureSettings) {
    this.client = createClient(settings);
  }

  /** The four lists, whole. Throws when any of them cannot be read completely. */
  async readAll(signal: AbortSignal): Promise<DefenderLists> {
    try {
      return await this.readOnce(signal);
    } catch (err) {
      if (!isUnauthorized(err) || signal.aborted) throw err;
      // A token ARM no longer accepts (expired early, revoked): a new credential signs in again.
      this.client = createClient(this.settings);
      return this.readOnce(signal);
    }
  }

  private async readOnce(signal: AbortSignal): Promise<DefenderLists> {
    const client = this.client;
    const options: AlertsListOptionalParams = {
      abortSignal: signal,
      requestOptions: { timeout: this.settings.timeoutMs },
    };
    const [securitySolutions, discoveredSolutions, externalSolutions, alerts] = await Promise.all([
      this.retryTimeouts(() => collect(client.securitySolutions.list(options)), signal),
      this.retryTimeouts(() => collect(client.discoveredSecuritySolutions.list(options)), signal),
      this.retryTimeouts(() => collect(client.externalSecuritySolutions.list(options)), signal),
      this.retryTimeouts(() => collect(client.alerts.list(options)), signal),
    ]);
    return { securitySolutions, discoveredSolutions, externalSolutions, alerts };
  }

  /** A list read again from its first page after a timeout, with exponential backoff. */
  private async retryTimeouts<T>(read: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await read();
      } catch (err) {
        // An abort that is not ours (shutdown) is a request that ran out of time.
        if (!isAbort(err) || signal.aborted || attempt >= AZURE_RETRIES) throw err;
        await sleep(this.settings.retryBackoffMs * 2 ** attempt, signal);
      }
    }
  }
}

/**
 * MSAL's message is `<oauth error>: Error(s): <codes> - Timestamp: … - Description: AADSTS…: <text>\r\nTrace
 * ID: … - Correlation ID: …`: keep the OAuth error and the description's first line, drop the trace ids.
 */
export function signInError(message: string): string {
  const oauth = /^([a-z_]+):/.exec(message)?.[1];
  const description = /Description: ([^\r\n]*?)(?: - Correlation ID:.*)?(?:\r?\n|$)/.exec(message)?.[1];
  if (oauth && description) return `${oauth}: ${description.trim()}`;
  return message.split(/\r?\n/)[0] ?? message;
}

/**
 * A failure in words for logs, App Home and the channel notice: never the error object (an SDK error may
 * carry the request), and never the client secret even if some message echoed it.
 */
export function describeAzureError(err: unknown, secret: string, timeoutMs: number): string {
  const e = (err ?? {}) as { name?: unknown; message?: unknown; statusCode?: unknown; code?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  let text: string;
  if (name === 'AbortError') {
    text = `Azure did not answer within ${Math.round(timeoutMs / 1000)}s`;
  } else if (name === 'AuthenticationRequiredError' || name === 'AuthenticationError') {
    text = `sign-in to Microsoft Entra failed: ${signInError(String(e.message ?? ''))}`;
  } else if (typeof e.statusCode === 'number') {
    const code = typeof e.code === 'string' ? ` ${e.code}` : '';
    text = `Azure Resource Manager answered ${e.statusCode}${code}: ${String(e.message ?? '')}`;
  } else {
    text = `${name}: ${String(e.message ?? err)}`;
  }
  const scrubbed = secret.length > 0 ? text.split(secret).join('[redacted]') : text;
  return scrubbed.length > 500 ? `${scrubbed.slice(0, 499)}…` : scrubbed;
}
