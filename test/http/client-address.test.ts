import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseTrustedProxies } from '../../src/config/trusted-proxies.js';
import { clientAddress } from '../../src/http/client-address.js';

const req = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('clientAddress', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8, fd00::/8');

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req('10.1.2.3', '198.51.100.7'), null)).toBe('10.1.2.3');
  });

  it('is the socket peer when the peer is not a trusted proxy', () => {
    expect(clientAddress(req('203.0.113.5', '198.51.100.7'), proxies)).toBe('203.0.113.5');
  });

  it('is the right-most untrusted hop behind trusted proxies, ignoring a forged left part', () => {
    expect(clientAddress(req('10.1.2.3', '198.51.100.7'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(req('10.1.2.3', '1.2.3.4, 198.51.100.7, 10.9.9.9'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(req('::ffff:10.1.2.3', '198.51.100.7'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(req('fd00::1', '2001:db8::5'), proxies)).toBe('2001:db8::5');
  });

  it('stops at garbage and keeps the last address a trusted proxy vouched for', () => {
    expect(clientAddress(req('10.1.2.3', 'not-an-ip, 10.4.4.4'), proxies)).toBe('10.4.4.4');
    expect(clientAddress(req('10.1.2.3', ''), proxies)).toBe('10.1.2.3');
  });
});

describe('parseTrustedProxies', () => {
  it('is null when empty and refuses what is not an address or CIDR', () => {
    expect(parseTrustedProxies('')).toBeNull();
    expect(parseTrustedProxies(undefined)).toBeNull();
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/', '::1/129', '10.0.0.0/8x']) {
      expect(() => parseTrustedProxies(bad), bad).toThrow(/not an IP address or CIDR range/);
    }
  });
});
