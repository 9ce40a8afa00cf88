/**
 * Watches the event loop while async work runs: counts setImmediate turns and the longest gap between two of
 * them (for diagnostics; tests assert on counts, never on times).
 */
export interface LoopProbe {
  /** Stops watching and returns what was seen. */
  stop(): { ticks: number; longestMs: number };
}

export function startLoopProbe(): LoopProbe {
  let ticks = 0;
  let longest = 0;
  let last = performance.now();
  let running = true;
  const spin = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    ticks++;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  return {
    stop() {
      running = false;
      return { ticks, longestMs: longest };
    },
  };
}
