/**
 * HTML-tokenizer-based XSS detector in the spirit of libinjection's (own implementation): the input is
 * scanned as element content and as the rest of an unquoted, single-quoted and double-quoted attribute
 * value (see `html-scanner.ts`); the policy of what is dangerous is in `checks.ts`.
 * Pure, linear time, never throws on any string. Input: a byte string (already URL/entity decoded by
 * the rule's transformations; common entity forms inside attribute values are decoded again here).
 */
import {
  isDangerousAttribute,
  isDangerousInitialValue,
  isDangerousMarkup,
  isDangerousTag,
} from './checks.js';
import { scanHtml, type HtmlContext, type HtmlEvents } from './html-scanner.js';

export type { HtmlContext } from './html-scanner.js';

const EVENTS: HtmlEvents = {
  tag: isDangerousTag,
  attr: isDangerousAttribute,
  markup: isDangerousMarkup,
  initialValue: isDangerousInitialValue,
};

const CONTEXTS: ReadonlyArray<{ ctx: HtmlContext; needs: string | null }> = [
  { ctx: 'data', needs: '<' },
  { ctx: 'unquoted', needs: null },
  { ctx: 'single', needs: null },
  { ctx: 'double', needs: null },
];

/** Scans `input` in one parsing context only. */
export function detectXSSInContext(input: string, ctx: HtmlContext): boolean {
  if (typeof input !== 'string' || input.length === 0) return false;
  return scanHtml(input, ctx, EVENTS);
}

/** The first context (data, unquoted, single, double) the input is dangerous in; for diagnostics. */
export function detectXSSContext(input: string): HtmlContext | null {
  if (typeof input !== 'string' || input.length === 0) return null;
  for (const { ctx, needs } of CONTEXTS) {
    if (needs !== null && input.indexOf(needs) === -1) continue;
    if (scanHtml(input, ctx, EVENTS)) return ctx;
  }
  return null;
}

/** True when `input` (a byte string) looks like a cross-site scripting payload. */
export function detectXSS(input: string): boolean {
  return detectXSSContext(input) !== null;
}
