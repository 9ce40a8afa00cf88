import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the OWASP CRS copy lives: $PORTCULLIS_CRS_DIR, else `shared/crs` beside the project root
 * (the layout CI and the workplace use). Undefined when absent: tests that need it skip and say so.
 */
export function findCrsDir(): string | undefined {
  const candidates = [
    process.env.PORTCULLIS_CRS_DIR,
    fileURLToPath(new URL('../../../shared/crs', import.meta.url)),
  ];
  return candidates.find((p): p is string => typeof p === 'string' && p.length > 0 && existsSync(p));
}

export const CRS_DIR = findCrsDir();
