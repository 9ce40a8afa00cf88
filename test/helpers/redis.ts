import type { Redis } from 'ioredis';

/** Deletes every key under `prefix` (tests and benches use a unique prefix each, so they never touch others' keys). */
export async function scanDel(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await client.del(...keys);
  } while (cursor !== '0');
}
