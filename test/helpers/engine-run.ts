import { attachBody, concludeTransaction, startTransaction, type Engine, type Verdict } from '../../src/engine/engine.js';
import type { Transaction } from '../../src/engine/transaction.js';
import type { RequestSnapshot } from '../../src/variables/types.js';

/**
 * What `waf.inspect()` does with a snapshot, on a given engine (so tests can compare engines built differently,
 * e.g. with and without the prefilter): phase 1 on the head, the body attached, phase 2, the verdict.
 */
export function runOnEngine(engine: Engine, snap: RequestSnapshot): { tx: Transaction; verdict: Verdict } {
  const { body: _b, bodyComplete: _c, ...head } = snap;
  const tx = startTransaction(engine, head, '127.0.0.1');
  if (!tx.runPhase(1)) {
    if (snap.body) attachBody(tx, snap);
    tx.runPhase(2);
  }
  return { tx, verdict: concludeTransaction(tx, snap).verdict };
}
