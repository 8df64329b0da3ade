/** `SECSOL_TRUSTED_PROXIES`: the reverse proxies whose X-Forwarded-For header names the client. */
import { BlockList, isIP } from 'node:net';

export type TrustedProxies = BlockList | null;

/** Parses `10.0.0.0/8, 192.168.1.5, fd00::/8`; throws with the offending entry. */
export function parseTrustedProxies(text: string | undefined): TrustedProxies {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || bits === '') {
      throw new Error(`"${entry}" is not an IP address or CIDR range`);
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}
