/**
 * Lifecycle hooks shared by the optional consumers (audit log, alert stream, stores): each registers what must
 * happen when `waf.close()` runs (flush a file, close sockets, stop timers). Kept in a WeakMap keyed by the WAF
 * instance so consumers need no private fields on it and nothing leaks when the instance is dropped.
 */
export type CloseHook = () => void | Promise<void>;

const hooks = new WeakMap<object, CloseHook[]>();

/** Runs `hook` when `waf.close()` is called; close() waits for it. Returns a function that unregisters it. */
export function onClose(waf: object, hook: CloseHook): () => void {
  let list = hooks.get(waf);
  if (!list) hooks.set(waf, (list = []));
  list.push(hook);
  return () => {
    const l = hooks.get(waf);
    const i = l ? l.indexOf(hook) : -1;
    if (l && i >= 0) l.splice(i, 1);
  };
}

/** Runs and clears every hook registered for `waf`; a failing hook does not stop the others. Returns their errors. */
export async function runCloseHooks(waf: object): Promise<Error[]> {
  const list = hooks.get(waf) ?? [];
  hooks.delete(waf);
  const results = await Promise.allSettled(list.map(async (h) => h()));
  return results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason : new Error(String(r.reason))] : []));
}
