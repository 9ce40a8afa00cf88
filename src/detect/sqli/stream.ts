/**
 * Turns raw lexer tokens into classified tokens (see the alphabet in `types.ts`): keywords are looked
 * up, two-word keywords merged (ORDER BY, UNION ALL, WAITFOR DELAY, ...), and a word directly followed
 * by `(` (closed comments in between do not count, they produce no token) becomes a function `f`.
 * `TokenCursor` buffers the stream lazily so rules can look a bounded distance ahead.
 */
import { KEYWORD_FUNCTIONS, MERGES, WORD_TYPES } from './keywords.js';
import { SqlLexer, type RawToken } from './lexer.js';
import type { SqlToken, TokenType, TokenView } from './types.js';

export class SqlTokenStream {
  private readonly lexer: SqlLexer;
  private peeked: RawToken | null | undefined;

  constructor(input: string, startQuote: number) {
    this.lexer = new SqlLexer(input, startQuote);
  }

  private peek(): RawToken | null {
    if (this.peeked === undefined) this.peeked = this.lexer.next();
    return this.peeked;
  }

  private take(): RawToken | null {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  next(): SqlToken | null {
    const raw = this.take();
    if (raw === null) return null;
    if (raw.kind !== 'w') return convert(raw, raw.kind);
    const merges = MERGES.get(raw.value);
    if (merges !== undefined) {
      const nx = this.peek();
      const merged = nx !== null && nx.kind === 'w' ? merges.get(nx.value) : undefined;
      if (merged !== undefined && nx !== null) {
        this.take();
        const t = convert(raw, merged.type);
        t.value = merged.value;
        t.versioned = raw.versioned || nx.versioned;
        return t;
      }
    }
    const base: TokenType = raw.value.startsWith('`') ? 'b' : (WORD_TYPES.get(raw.value) ?? 'b');
    const nx = this.peek();
    const call = nx !== null && nx.kind === '(';
    const type: TokenType = call && (base === 'b' || KEYWORD_FUNCTIONS.has(raw.value)) ? 'f' : base;
    return convert(raw, type);
  }
}

function convert(raw: RawToken, type: TokenType): SqlToken {
  return {
    type,
    value: raw.value,
    len: raw.len,
    closed: raw.closed,
    quote: raw.quote,
    versioned: raw.versioned,
    symbolic: raw.symbolic,
    afterNested: raw.afterNested,
  };
}

/** Lazily buffered view over a token stream with a movable base; memory stays bounded. */
export class TokenCursor implements TokenView {
  private buf: SqlToken[] = [];
  private base = 0;
  private done = false;

  constructor(private readonly stream: SqlTokenStream) {}

  at(i: number): SqlToken | undefined {
    if (i < 0) return undefined;
    const k = this.base + i;
    while (this.buf.length <= k && !this.done) {
      const t = this.stream.next();
      if (t === null) this.done = true;
      else this.buf.push(t);
    }
    return this.buf[k];
  }

  advance(): void {
    this.base++;
    if (this.base >= 1024) {
      this.buf.splice(0, this.base);
      this.base = 0;
    }
  }
}
