import type { VarEntry } from './types.js';

/**
 * `application/x-www-form-urlencoded` parsing with ModSecurity's flat semantics: split on `&`, then on the
 * first `=`; names and values are percent-decoded once (`+` is a space); invalid `%` sequences (`%zz`,
 * `%u0041`, a trailing `%`) are kept as they are. Never throws. `a[b]=c` gives the name `a[b]`.
 */

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Percent-decodes a byte string once. `plusIsSpace` turns `+` into a space (form encoding, not paths). */
export function percentDecode(s: string, plusIsSpace: boolean): string {
  const pct = s.indexOf('%');
  const plus = plusIsSpace ? s.indexOf('+') : -1;
  if (pct === -1 && plus === -1) return s;
  const start = pct === -1 ? plus : plus === -1 ? pct : Math.min(pct, plus);
  let out = '';
  let last = 0;
  const n = s.length;
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (i + 2 < n) {
        const hi = hexValue(s.charCodeAt(i + 1));
        const lo = hi < 0 ? -1 : hexValue(s.charCodeAt(i + 2));
        if (lo >= 0) {
          out += s.slice(last, i) + String.fromCharCode(hi * 16 + lo);
          i += 2;
          last = i + 1;
        }
      }
    } else if (c === 43 && plusIsSpace) {
      out += s.slice(last, i) + ' ';
      last = i + 1;
    }
  }
  return out + s.slice(last);
}

export interface ParsedArgs {
  readonly entries: VarEntry[];
  /** True when more than `maxArgs` pairs were present; the rest were not collected. */
  readonly overflow: boolean;
}

/** Splits `a=1&b=2` into decoded pairs; at most `maxArgs` pairs are collected. Empty segments are skipped. */
export function parseUrlEncoded(text: string, maxArgs: number): ParsedArgs {
  const entries: VarEntry[] = [];
  let overflow = false;
  const n = text.length;
  let pos = 0;
  while (pos <= n) {
    let amp = text.indexOf('&', pos);
    if (amp === -1) amp = n;
    if (amp > pos) {
      if (entries.length >= maxArgs) {
        overflow = true;
        break;
      }
      const eq = text.indexOf('=', pos);
      if (eq === -1 || eq > amp) {
        entries.push({ key: percentDecode(text.slice(pos, amp), true), value: '' });
      } else {
        entries.push({ key: percentDecode(text.slice(pos, eq), true), value: percentDecode(text.slice(eq + 1, amp), true) });
      }
    }
    pos = amp + 1;
  }
  return { entries, overflow };
}
