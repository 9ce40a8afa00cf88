import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last change before reloading, ms (editors write in several steps). Default 200. */
  readonly debounceMs?: number;
}

/**
 * Watches rule files and directories and calls `onChange` once per burst of changes. Files are watched through
 * their directory (editors save by writing a new file and renaming it over the old one, which a watch on the old
 * file would miss); a directory reports changes to any file in it (`.conf` and the `.data` files rules read).
 * Returns a function that stops watching. Watch errors go to `onError`; watching continues where it can.
 */
export function watchRuleFiles(
  paths: readonly string[], onChange: () => void, onError: (err: Error) => void, options: WatchOptions = {},
): () => void {
  const debounceMs = options.debounceMs ?? 200;
  // directory → file names of interest there (null = any file)
  const dirs = new Map<string, Set<string> | null>();
  for (const p of paths) {
    const full = resolve(p);
    let isDir = false;
    try { isDir = statSync(full).isDirectory(); } catch { /* a file that does not exist yet: watch its directory */ }
    if (isDir) {
      dirs.set(full, null);
    } else {
      const dir = dirname(full);
      const want = dirs.get(dir);
      if (want === null) continue;
      dirs.set(dir, (want ?? new Set()).add(basename(full)));
    }
  }
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const fire = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = null; if (!closed) onChange(); }, debounceMs);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of dirs) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        const file = name === null ? null : String(name);
        if (names === null || file === null || names.has(file)) fire();
      });
      w.on('error', (err) => onError(err));
      watchers.push(w);
    } catch (err) {
      onError(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
