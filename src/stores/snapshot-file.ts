/**
 * The ban snapshot file: JSON written atomically (a temporary file in the same directory, fsync'd, then renamed over
 * the old one), so a crash leaves either the old or the new snapshot, never half of one. Read once at start.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BanEntry } from './types.js';

export interface BanSnapshot {
  readonly v: 1;
  readonly savedAt: number;
  readonly bans: readonly BanEntry[];
  /** [ip, earlier bans, last ban time]. */
  readonly history: readonly (readonly [string, number, number])[];
}

let seq = 0;

export async function writeSnapshot(file: string, snapshot: BanSnapshot): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${++seq}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(snapshot));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

const isEntry = (e: unknown): e is BanEntry => {
  const o = e as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.ip === 'string' && typeof o.until === 'number'
    && typeof o.jail === 'string' && typeof o.reason === 'string' && typeof o.count === 'number';
};

/** Reads a snapshot; a missing file is an empty one. A corrupt file throws (the caller reports it and starts empty). */
export function readSnapshot(file: string, maxEntries: number): BanSnapshot {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { v: 1, savedAt: 0, bans: [], history: [] };
    throw err;
  }
  const data = JSON.parse(text) as Partial<BanSnapshot>;
  if (data?.v !== 1 || !Array.isArray(data.bans) || !Array.isArray(data.history)) throw new Error(`${file} is not a Portcullis ban snapshot`);
  return {
    v: 1,
    savedAt: typeof data.savedAt === 'number' ? data.savedAt : 0,
    bans: data.bans.filter(isEntry).slice(0, maxEntries),
    history: data.history
      .filter((h): h is [string, number, number] => Array.isArray(h) && typeof h[0] === 'string' && typeof h[1] === 'number' && typeof h[2] === 'number')
      .slice(0, maxEntries),
  };
}
