/**
 * Apache-style wildcard expansion for Include and file lists: `*`, `?` and `[...]` in any path segment, a leading
 * `.` is only matched explicitly (APR_FNM_PERIOD), results sorted by code unit like Apache's strcmp.
 */
export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function segmentRegex(seg: string): RegExp {
  let src = '^';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') { src += '[^/]*'; continue; }
    if (c === '?') { src += '[^/]'; continue; }
    if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end !== -1) {
        let body = seg.slice(i + 1, end);
        let neg = '';
        if (body.startsWith('!') || body.startsWith('^')) { neg = '^'; body = body.slice(1); }
        src += `[${neg}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = end;
        continue;
      }
    }
    src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${src}$`);
}

/**
 * Returns the files matching `pattern`; `listDir` throws for a non-directory, which simply means no match.
 * Drives expandGlobSteps to completion.
 */
export function expandGlob(pattern: string, listDir: (dir: string) => string[]): string[] {
  const steps = expandGlobSteps(pattern);
  let r = steps.next();
  while (!r.done) {
    let names: string[];
    try {
      names = listDir(r.value);
    } catch (err) {
      r = steps.throw(err);
      continue;
    }
    r = steps.next(names);
  }
  return r.value;
}

/**
 * expandGlob as a generator: yields each directory it needs listed and expects its entry names back (or an error
 * thrown into it, which means no match there), so the caller may list directories synchronously or not.
 */
export function* expandGlobSteps(pattern: string): Generator<string, string[], string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s.length > 0 || i === 0);
  let current: string[] = [absolute ? '/' : segments[0] === '' ? '/' : ''];
  const start = absolute || segments[0] === '' ? 1 : 0;
  for (let i = start; i < segments.length; i++) {
    const seg = segments[i]!;
    const next: string[] = [];
    for (const base of current) {
      const joined = (name: string): string => (base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`);
      if (!hasGlob(seg)) { next.push(joined(seg)); continue; }
      let names: string[];
      try {
        names = yield base === '' ? '.' : base;
      } catch {
        continue;
      }
      const re = segmentRegex(seg);
      for (const n of names) {
        if (n.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(n)) next.push(joined(n));
      }
    }
    current = next;
  }
  return current.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
