import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** One item of a HAR file's `log.entries` array: parsed, or why not. */
export type HarItem =
  | { readonly no: number; readonly entry: unknown }
  | { readonly no: number; readonly error: string };

/** A single HAR entry larger than this (characters of JSON) is reported as broken and skipped, not buffered. */
export const DEFAULT_MAX_HAR_ENTRY_CHARS = 32 * 1024 * 1024;

const MAX_KEY = 64;

interface Frame {
  readonly kind: 'obj' | 'arr';
  /** The key this container is the value of ('' at the root and inside arrays). */
  readonly key: string;
  /** Objects: the key of the member being read. */
  member: string;
  expectKey: boolean;
}

/**
 * Streams the items of `log.entries` out of a HAR file (which is one JSON document) without holding the document:
 * a small scanner tracks strings, nesting and member names, and only the text of the entry being read is kept,
 * then handed to JSON.parse. Memory is bounded by the largest entry (capped by `maxEntryChars`); everything
 * outside `log.entries` (pages, creator, the responses' content inside entries is part of entries) streams past.
 * Throws on input that is not a JSON object at the top level; broken entries are reported and skipped.
 */
export async function* readHarEntries(stream: Readable, maxEntryChars = DEFAULT_MAX_HAR_ENTRY_CHARS): AsyncGenerator<HarItem[]> {
  const decoder = new StringDecoder('utf8');
  const stack: Frame[] = [];
  let inString = false;
  let escaped = false;
  let keyBuf: string | null = null; // collecting a member name
  let capturing = false; // inside an entry
  let captureDepth = 0; // stack depth of the entry's own frame
  let parts: string[] = [];
  let partStart = 0;
  let captured = 0;
  let oversize = false;
  let no = 0;
  let started = false;
  let sawEntries = false;

  const inEntries = (): boolean => {
    // root obj → "log" obj → "entries" arr
    const top = stack[stack.length - 1];
    return stack.length === 3 && top?.kind === 'arr' && top.key === 'entries' && stack[1]?.key === 'log';
  };

  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    const out: HarItem[] = [];
    partStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (keyBuf !== null) {
            const top = stack[stack.length - 1];
            if (top) top.member = keyBuf;
            keyBuf = null;
          }
          continue;
        }
        if (keyBuf !== null && keyBuf.length < MAX_KEY) keyBuf += text[i]!;
        continue;
      }
      switch (c) {
        case 0x22: { // "
          inString = true;
          const top = stack[stack.length - 1];
          keyBuf = top?.kind === 'obj' && top.expectKey ? '' : null;
          break;
        }
        case 0x7b: // {
        case 0x5b: { // [
          if (!started) {
            if (c !== 0x7b) throw new Error('a HAR file is a JSON object ({"log": {...}})');
            started = true;
          }
          const parent = stack[stack.length - 1];
          const key = parent?.kind === 'obj' ? parent.member : '';
          if (c === 0x7b && !capturing && inEntries()) {
            capturing = true;
            captureDepth = stack.length + 1;
            parts = [];
            partStart = i;
            captured = 0;
            oversize = false;
          }
          stack.push({ kind: c === 0x7b ? 'obj' : 'arr', key, member: '', expectKey: c === 0x7b });
          if (c === 0x5b && key === 'entries' && stack.length === 3 && stack[1]?.key === 'log') sawEntries = true;
          break;
        }
        case 0x7d: // }
        case 0x5d: { // ]
          const depth = stack.length;
          stack.pop();
          if (capturing && depth === captureDepth) {
            capturing = false;
            no++;
            if (oversize) {
              out.push({ no, error: `entry larger than ${maxEntryChars} characters` });
            } else {
              parts.push(text.slice(partStart, i + 1));
              try {
                out.push({ no, entry: JSON.parse(parts.join('')) as unknown });
              } catch (err) {
                out.push({ no, error: `invalid JSON: ${(err as Error).message}` });
              }
            }
            parts = [];
          }
          break;
        }
        case 0x3a: { // :
          const top = stack[stack.length - 1];
          if (top?.kind === 'obj') top.expectKey = false;
          break;
        }
        case 0x2c: { // ,
          const top = stack[stack.length - 1];
          if (top?.kind === 'obj') top.expectKey = true;
          break;
        }
        default:
          if (!started && c > 0x20 && c !== 0xfeff) throw new Error('a HAR file is a JSON object ({"log": {...}})');
      }
    }
    if (capturing && !oversize) {
      const piece = text.slice(partStart);
      captured += piece.length;
      if (captured > maxEntryChars) { oversize = true; parts = []; } else parts.push(piece);
    }
    if (out.length > 0) yield out;
  }
  if (!started) throw new Error('empty input: a HAR file is a JSON object ({"log": {...}})');
  if (capturing || stack.length > 0) throw new Error('the HAR file ends in the middle of the JSON document (truncated?)');
  if (!sawEntries) throw new Error('no "log.entries" array in this HAR file');
}
