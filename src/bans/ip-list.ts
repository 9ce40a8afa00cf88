/**
 * Allow, deny and ignore lists: single addresses and CIDR ranges, IPv4 and IPv6, plus the names Express's
 * `trust proxy` knows (`loopback`, `linklocal`, `uniquelocal`). Built on the strict IP set of @ipMatch.
 */
import { PortcullisError } from '../errors.js';
import { compileIpSet } from '../operators/ip-set.js';

export interface IpList {
  /** True when the (canonical) address is in the list. Never throws. */
  has(ip: string): boolean;
  readonly size: number;
}

export const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

const EMPTY: IpList = { has: () => false, size: 0 };

/** Entries may be an array or one comma/space-separated string. Throws ERR_PORTCULLIS_OPTION_INVALID on a bad entry. */
export function createIpList(entries: string | readonly string[] | undefined, optionName: string): IpList {
  if (entries === undefined) return EMPTY;
  const raw = typeof entries === 'string' ? entries.split(/[\s,]+/) : entries;
  const expanded: string[] = [];
  for (const e of raw) {
    if (typeof e !== 'string') throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${optionName}" must hold strings, got ${JSON.stringify(e)}`);
    const t = e.trim();
    if (t === '') continue;
    const named = NAMED_RANGES[t.toLowerCase()];
    if (named) expanded.push(...named);
    else expanded.push(t);
  }
  if (expanded.length === 0) return EMPTY;
  const set = compileIpSet(expanded);
  if ('badEntry' in set) {
    throw new PortcullisError('ERR_PORTCULLIS_OPTION_INVALID', `option "${optionName}": "${set.badEntry}" is not an IP address or CIDR range`);
  }
  return { has: (ip) => set.has(ip), size: expanded.length };
}

/** True when a list entry covers every address of a family (0.0.0.0/0, ::/0, ...): trusting it trusts anyone. */
export function coversEverything(entries: string | readonly string[]): boolean {
  const raw = typeof entries === 'string' ? entries.split(/[\s,]+/) : entries;
  return raw.some((e) => typeof e === 'string' && /\/0+$/.test(e.trim()));
}
