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
  const fast = hexIpv6Key(ip, v6Prefix);
  if (fast !== undefined) return fast;
  try {
    const bytes = ipaddr.IPv6.parse(ip).toByteArray();
    for (let bit = v6Prefix; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
    return `${ipaddr.fromByteArray(bytes).toString()}/${v6Prefix}`;
  } catch {
    return ip;
  }
}

const groups = new Array<number>(8).fill(0);

/**
 * ipKey for IPv6 in plain hex notation (every client address normalizeIp returns, which is the hot path: no
 * ipaddr objects, no regexes), with the same result as the ipaddr route. Anything else (an embedded IPv4, a zone
 * id, `::` for a single group, malformed text) returns undefined and takes that route.
 */
function hexIpv6Key(ip: string, prefix: number): string | undefined {
  // Parse: up to 8 groups of 1-4 hex digits; one `::` standing for at least two zero groups.
  let n = 0;
  let gap = -1;
  let value = 0;
  let digits = 0;
  const len = ip.length;
  let i = 0;
  if (len > 39) return undefined;
  if (ip.charCodeAt(0) === 58 /* : */) {
    if (ip.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
  }
  for (; i < len; i++) {
    const c = ip.charCodeAt(i);
    if (c === 58) {
      if (digits === 0) return undefined;
      if (n === 8) return undefined;
      groups[n++] = value;
      value = 0;
      digits = 0;
      if (i + 1 < len && ip.charCodeAt(i + 1) === 58) {
        if (gap !== -1) return undefined;
        gap = n;
        i++;
        if (i + 1 === len) break; // trailing `::`
      } else if (i + 1 === len) {
        return undefined; // trailing single colon
      }
      continue;
    }
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return undefined;
    if (++digits > 4) return undefined;
    value = (value << 4) | d;
  }
  if (digits > 0) {
    if (n === 8) return undefined;
    groups[n++] = value;
  }
  if (gap === -1) {
    if (n !== 8) return undefined;
  } else {
    if (n > 6) return undefined;
    const fill = 8 - n;
    for (let k = n - 1; k >= gap; k--) groups[k + fill] = groups[k]!;
    for (let k = gap; k < gap + fill; k++) groups[k] = 0;
  }
  // Mask to the prefix.
  for (let k = 0; k < 8; k++) {
    const start = k * 16;
    if (start >= prefix) groups[k] = 0;
    else if (start + 16 > prefix) groups[k] = groups[k]! & (0xffff << (start + 16 - prefix)) & 0xffff;
  }
  // RFC 5952 text: lower-case hex, the longest run of two or more zero groups (the first of equals) as `::`.
  let best = -1;
  let bestLen = 1;
  for (let k = 0; k < 8;) {
    if (groups[k] !== 0) { k++; continue; }
    let e = k;
    while (e < 8 && groups[e] === 0) e++;
    if (e - k > bestLen) { best = k; bestLen = e - k; }
    k = e;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === best) {
      out += '::';
      k += bestLen - 1;
      continue;
    }
    if (k > 0 && k !== best + bestLen) out += ':';
    out += groups[k]!.toString(16);
  }
  return `${out}/${prefix}`;
}
