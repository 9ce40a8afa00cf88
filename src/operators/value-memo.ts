/**
 * A small process-wide memo for pure, comparatively expensive operators (the SQLi and XSS detectors): the
 * same header and cookie values (User-Agent, Referer, Accept-*) arrive on request after request, and a
 * lookup is much cheaper than a tokenizer run. Bounded in entries and in the length of a memoised value;
 * two generations (a full current map becomes the previous one), so hot values survive a rotation and an
 * attacker who sends ever new values only churns it. Results are exact: only pure functions are memoised.
 */
export interface ValueMemo<T> {
  /** The memoised result for `value`, or undefined. */
  get(value: string): T | undefined;
  set(value: string, result: T): void;
}

export function createValueMemo<T>(maxEntries = 2048, maxLength = 512): ValueMemo<T> {
  let current = new Map<string, T>();
  let previous = new Map<string, T>();
  return {
    get(value) {
      if (value.length > maxLength) return undefined;
      const hit = current.get(value);
      if (hit !== undefined) return hit;
      const old = previous.get(value);
      if (old !== undefined) this.set(value, old);
      return old;
    },
    set(value, result) {
      if (value.length > maxLength) return;
      if (current.size >= maxEntries) {
        previous = current;
        current = new Map();
      }
      current.set(value, result);
    },
  };
}
