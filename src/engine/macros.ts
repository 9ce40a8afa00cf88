/**
 * `%{COLLECTION.key}` macro expansion, compiled once per string at load time.
 * Names are case-insensitive (`%{tx.0}` = `%{TX.0}`); TX keys are stored lower-cased.
 */
export interface MacroScope {
  /** Resolves one macro reference (`collection` upper-cased, `key` as written or '' for scalars). */
  resolve(collection: string, key: string): string;
}

export type CompiledMacro = (scope: MacroScope) => string;

const MACRO_RE = /%\{([A-Za-z_][A-Za-z0-9_]*)(?:[.:]([^}]*))?\}/g;

export function hasMacro(text: string): boolean {
  return text.includes('%{');
}

/** Compiles `text` into a function; strings without macros compile to a constant. */
export function compileMacro(text: string): CompiledMacro {
  if (!hasMacro(text)) return () => text;
  const parts: (string | { c: string; k: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(MACRO_RE)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ c: m[1]!.toUpperCase(), k: m[2] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    const only = parts[0]!;
    return (scope) => scope.resolve(only.c, only.k);
  }
  return (scope) => {
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : scope.resolve(p.c, p.k);
    return out;
  };
}
