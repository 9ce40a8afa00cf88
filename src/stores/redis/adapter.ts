/**
 * One small interface over the two Redis clients people use, so the store needs neither as a dependency:
 *   ioredis:            client.call('CMD', ...args)         pub/sub: sub.subscribe(ch) + sub.on('message')
 *   node-redis (v4+):   client.sendCommand(['CMD', ...])   pub/sub: await sub.subscribe(ch, listener)
 * Detection is by shape (`call` is ioredis'; node-redis has `sendCommand` taking an array and `isOpen`).
 */
export interface RedisCommander {
  readonly flavour: 'ioredis' | 'node-redis';
  send(args: readonly (string | number)[]): Promise<unknown>;
}

export interface RedisSubscription {
  /** Settles when the subscription is active (or failed to start; both clients keep retrying on their own). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

type AnyFn = (...args: unknown[]) => unknown;
type Client = Record<string, unknown>;

function isIoredis(c: Client): boolean {
  return typeof c.call === 'function' && typeof c.duplicate === 'function';
}

export function commanderOf(client: object): RedisCommander {
  const c = client as Client;
  if (isIoredis(c)) {
    const call = (c.call as AnyFn).bind(c);
    return { flavour: 'ioredis', send: (args) => call(...args.map(String)) as Promise<unknown> };
  }
  if (typeof c.sendCommand === 'function') {
    const sendCommand = (c.sendCommand as AnyFn).bind(c);
    return { flavour: 'node-redis', send: (args) => sendCommand(args.map(String)) as Promise<unknown> };
  }
  throw new TypeError('not an ioredis or node-redis client');
}

/**
 * Subscribes to `channel`. With no `subscriber` given, a duplicate of `client` is opened for it (and closed by the
 * returned handle, even while it is still connecting); a given subscriber stays the caller's. Both clients
 * resubscribe by themselves after a reconnect.
 */
export function subscribe(
  client: object, subscriber: object | undefined, channel: string,
  onMessage: (message: string) => void, onError: (err: Error) => void,
): RedisSubscription {
  const own = subscriber === undefined;
  const base = client as Client;
  const sub = (own ? (base.duplicate as AnyFn).call(base) : subscriber) as Client;
  const on = (sub.on as (ev: string, fn: AnyFn) => void).bind(sub);
  const off = (sub.removeListener as (ev: string, fn: AnyFn) => void).bind(sub);
  const errorListener = (err: unknown) => onError(err instanceof Error ? err : new Error(String(err)));
  on('error', errorListener as AnyFn);
  if (isIoredis(sub)) {
    const listener = (ch: unknown, msg: unknown) => { if (ch === channel) onMessage(String(msg)); };
    on('message', listener as AnyFn);
    const ready = ((sub.subscribe as AnyFn).call(sub, channel) as Promise<unknown>).then(() => undefined);
    return {
      ready,
      async close() {
        off('message', listener as AnyFn);
        if (own) (sub.disconnect as AnyFn).call(sub);
        else await ((sub.unsubscribe as AnyFn).call(sub, channel) as Promise<unknown>).catch(() => undefined);
        off('error', errorListener as AnyFn);
      },
    };
  }
  const listener = (msg: unknown) => onMessage(String(msg));
  const ready = (async () => {
    if (own) await ((sub.connect as AnyFn).call(sub) as Promise<unknown>);
    await ((sub.subscribe as AnyFn).call(sub, channel, listener) as Promise<unknown>);
  })();
  return {
    ready,
    async close() {
      if (own) {
        try { (sub.destroy as AnyFn).call(sub); } catch { /* not open yet */ }
      } else {
        await ((sub.unsubscribe as AnyFn).call(sub, channel, listener) as Promise<unknown>).catch(() => undefined);
      }
      off('error', errorListener as AnyFn);
    },
  };
}
