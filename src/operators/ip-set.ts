import ipaddr from 'ipaddr.js';

/**
 * A compiled set of IPv4/IPv6 addresses and CIDR ranges for @ipMatch.
 *
 * Parsing is strict on both sides, like `inet_pton`: IPv4 only as four decimal parts without leading zeros
 * (no `127.1`, `0x7f.0.0.1`, `010.0.0.1`), IPv6 without zone ids. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is
 * the same address as `1.2.3.4`, in entries and in values. IPv4 ranges are merged and binary-searched;
 * IPv6 ranges are compared word by word.
 */
export interface IpSet {
  /** True when `text` is an address inside the set. Never throws; garbage is simply not in the set. */
  has(text: string): boolean;
}

/** Longest textual IPv6 address (with an embedded IPv4 part) is 45 chars; anything longer is garbage. */
const MAX_ADDRESS_LENGTH = 64;

interface V6Range {
  readonly net: Uint32Array;
  readonly mask: Uint32Array;
}

type Parsed = { readonly v4: number } | { readonly v6: Uint32Array };

function wordsOf(bytes: readonly number[]): Uint32Array {
  const words = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    words[w] = ((bytes[w * 4]! << 24) | (bytes[w * 4 + 1]! << 16) | (bytes[w * 4 + 2]! << 8) | bytes[w * 4 + 3]!) >>> 0;
  }
  return words;
}

function v4Number(bytes: readonly number[]): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

/**
 * `a.b.c.d`, each part 0-255 in decimal without leading zeros (what ipaddr.js's isValidFourPartDecimal
 * accepts), as a number; -1 for anything else. Hand-written: the address of every request goes through it.
 */
export function fourPartDecimal(text: string): number {
  const n = text.length;
  let value = 0;
  let parts = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    let part = 0;
    while (i < n) {
      const d = text.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) break;
      part = part * 10 + d;
      if (part > 255) return -1;
      i++;
    }
    const len = i - start;
    if (len === 0 || (len > 1 && text.charCodeAt(start) === 0x30)) return -1;
    value = value * 256 + part;
    parts++;
    if (i === n) break;
    if (text.charCodeAt(i) !== 0x2e || parts === 4) return -1;
    i++;
    if (i === n) return -1;
  }
  return parts === 4 ? value : -1;
}

/** Parses one address strictly; mapped IPv6 comes back as IPv4. `null` when not an address. */
function parseAddress(text: string): Parsed | null {
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return null;
  try {
    if (text.includes(':')) {
      if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return null;
      const addr = ipaddr.IPv6.parse(text);
      if (addr.isIPv4MappedAddress()) return { v4: v4Number(addr.toIPv4Address().toByteArray()) };
      return { v6: wordsOf(addr.toByteArray()) };
    }
    const v4 = fourPartDecimal(text);
    return v4 === -1 ? null : { v4 };
  } catch {
    return null;
  }
}

function maskWords(prefix: number): Uint32Array {
  const mask = new Uint32Array(4);
  for (let w = 0; w < 4; w++) {
    const bits = Math.max(0, Math.min(32, prefix - w * 32));
    mask[w] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  }
  return mask;
}

function mappedWords(v4: number): Uint32Array {
  return Uint32Array.of(0, 0, 0xffff, v4);
}

/**
 * Compiles entries such as `10.0.0.0/8`, `127.0.0.1`, `::1`, `2001:db8::/32`, `::ffff:10.0.0.0/104`.
 * Returns the index of the first bad entry instead of throwing, so the caller can name it.
 */
export function compileIpSet(entries: readonly string[]): IpSet | { readonly badEntry: string } {
  const v4Ranges: [number, number][] = [];
  const v6Ranges: V6Range[] = [];
  for (const entry of entries) {
    const slash = entry.lastIndexOf('/');
    const addrText = slash === -1 ? entry : entry.slice(0, slash);
    const prefixText = slash === -1 ? '' : entry.slice(slash + 1);
    if (slash !== -1 && !/^\d{1,3}$/.test(prefixText)) return { badEntry: entry };
    const addr = parseAddress(addrText);
    if (addr === null) return { badEntry: entry };
    const mappedForm = 'v4' in addr && addrText.includes(':');
    let prefix = slash === -1 ? ('v4' in addr && !mappedForm ? 32 : 128) : Number(prefixText);
    if ('v4' in addr) {
      if (mappedForm) {
        if (prefix > 128) return { badEntry: entry };
        if (prefix < 96) {
          // A range wider than the mapped block: keep it as IPv6 over the mapped form.
          const mask = maskWords(prefix);
          const net = mappedWords(addr.v4).map((w, i) => (w & mask[i]!) >>> 0);
          v6Ranges.push({ net, mask });
          continue;
        }
        prefix -= 96;
      }
      if (prefix > 32) return { badEntry: entry };
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      const start = (addr.v4 & mask) >>> 0;
      v4Ranges.push([start, (start | ~mask) >>> 0]);
    } else {
      if (prefix > 128) return { badEntry: entry };
      const mask = maskWords(prefix);
      const net = addr.v6.map((w, i) => (w & mask[i]!) >>> 0);
      v6Ranges.push({ net, mask });
    }
  }

  // Merge IPv4 ranges into sorted, disjoint [start, end] pairs.
  v4Ranges.sort((a, b) => a[0] - b[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [s, e] of v4Ranges) {
    const last = ends.length - 1;
    if (last >= 0 && s <= ends[last]! + 1) ends[last] = Math.max(ends[last]!, e);
    else {
      starts.push(s);
      ends.push(e);
    }
  }
  const v4Start = Float64Array.from(starts);
  const v4End = Float64Array.from(ends);

  const inV4 = (ip: number): boolean => {
    let lo = 0;
    let hi = v4Start.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ip < v4Start[mid]!) hi = mid - 1;
      else if (ip > v4End[mid]!) lo = mid + 1;
      else return true;
    }
    return false;
  };
  const inV6 = (words: Uint32Array): boolean => {
    for (const { net, mask } of v6Ranges) {
      if (
        ((words[0]! & mask[0]!) >>> 0) === net[0] &&
        ((words[1]! & mask[1]!) >>> 0) === net[1] &&
        ((words[2]! & mask[2]!) >>> 0) === net[2] &&
        ((words[3]! & mask[3]!) >>> 0) === net[3]
      ) {
        return true;
      }
    }
    return false;
  };

  return {
    has(text: string): boolean {
      if (text.length <= MAX_ADDRESS_LENGTH && !text.includes(':')) {
        // IPv4 (the common case) without parseAddress's object: the same answer.
        const v4 = fourPartDecimal(text);
        return v4 !== -1 && (inV4(v4) || (v6Ranges.length > 0 && inV6(mappedWords(v4))));
      }
      const addr = parseAddress(text);
      if (addr === null) return false;
      if ('v4' in addr) return inV4(addr.v4) || (v6Ranges.length > 0 && inV6(mappedWords(addr.v4)));
      return inV6(addr.v6);
    },
  };
}
