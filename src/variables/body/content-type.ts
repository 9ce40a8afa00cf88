import { parse } from 'content-type';
import type { BodyProcessorName } from '../types.js';

/** The lower-cased media type of a Content-Type value (`type/subtype`), tolerant of garbage; '' when none. */
export function mediaType(header: string): string {
  try {
    return parse(header).type;
  } catch {
    // The `content-type` package is strict (e.g. it rejects `boundary=a b`); fall back to the text before `;`.
    const semi = header.indexOf(';');
    return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  }
}

/**
 * The default body processor for a Content-Type header value (undefined: no header). Equivalent to
 * ModSecurity's built-in URLENCODED/MULTIPART choice plus the recommended rules 200000/200001/200006
 * (XML, JSON, `+json`), which CRS expects the engine configuration to provide.
 */
export function defaultBodyProcessor(header: string | undefined): BodyProcessorName {
  if (header === undefined) return 'NONE';
  const type = mediaType(header);
  if (type === 'application/x-www-form-urlencoded') return 'URLENCODED';
  if (type === 'multipart/form-data') return 'MULTIPART';
  if (type === 'application/json' || type.endsWith('+json')) return 'JSON';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'XML';
  return 'TEXT';
}
