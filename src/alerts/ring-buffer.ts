/** A fixed-capacity FIFO that overwrites its oldest item: the stream's replay buffer. */
export interface RingBuffer<T> {
  readonly capacity: number;
  readonly size: number;
  push(item: T): void;
  /** The newest `n` items (at most `size`), oldest first. */
  last(n: number): T[];
  clear(): void;
}

export function createRingBuffer<T>(capacity: number): RingBuffer<T> {
  const items: (T | undefined)[] = new Array<T | undefined>(capacity);
  let start = 0;
  let size = 0;
  return {
    capacity,
    get size() { return size; },
    push(item) {
      if (capacity === 0) return;
      if (size < capacity) {
        items[(start + size) % capacity] = item;
        size++;
      } else {
        items[start] = item;
        start = (start + 1) % capacity;
      }
    },
    last(n) {
      const k = Math.max(0, Math.min(n, size));
      const out: T[] = [];
      for (let i = size - k; i < size; i++) out.push(items[(start + i) % capacity] as T);
      return out;
    },
    clear() {
      items.fill(undefined);
      start = 0;
      size = 0;
    },
  };
}
