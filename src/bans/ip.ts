/**
 * IP address text → one canonical form, so that a ban, a list entry and a limiter key agree on who a client is.
 * Strict like inet_pton (HARDENING §2.1): IPv4 only as four decimal parts without leading zeros (no `127.1`,
 * `0x7f.0.0.1`, `2130706433`), IPv6 per RFC 4291 with any zone id dropped; IPv4-mapped IPv6 (`::ffff:1.2.3.4`,
 * `::ffff:102:304`) is IPv4, detected by range, not notation, so `2001:db8::1.2.3.4` stays IPv6. IPv6 comes out in
 * RFC 5952 form (lower case, `::` compressed).
 */
import { isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

const MAX_ADDRESS_LENGTH = 64;

/** The canonical form of `text`, or undefined when it is not an IP address. Never throws. */
export function normalizeIp(text: string): string | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return undefined;
  if (isIPv4(text)) return text;
  try {
    if (!text.includes(':')) return undefined;
    const pct = text.indexOf('%');
    const bare = pct === -1 ? text : text.slice(0, pct);
    if (!ipaddr.IPv6.isValid(bare)) return undefined;
    const addr = ipaddr.IPv6.parse(bare);
    if (addr.isIPv4MappedAddress()) return addr.toIPv4Address().toString();
    return addr.toRFC5952String();
  } catch {
    return undefined;
  }
}

/**
 * The limiter key of an address: IPv4 as is, IPv6 reduced to its /`v6Prefix` network (one subscriber usually holds
 * a whole /56 or /64, so keying single IPv6 addresses lets a client rotate through billions of keys).
 */
export function ipKey(ip: string, v6Prefix: number): string {
  if (!ip.includes(':') || v6Prefix >= 128) return ip;
  try {
    const bytes = ipaddr.IPv6.parse(ip).toByteArray();
    for (let bit = v6Prefix; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
    return `${ipaddr.fromByteArray(bytes).toString()}/${v6Prefix}`;
  } catch {
    return ip;
  }
}
