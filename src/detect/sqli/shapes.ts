/**
 * Statement shapes: does a SELECT / DROP / EXEC / ... keyword start something a database would run,
 * rather than an English sentence that happens to begin with that word ("select a plan")?
 */
import { DDL_OBJECTS } from './keywords.js';
import { MAX_LOOK, is } from './helpers.js';
import type { SqlToken, TokenView } from './types.js';

type SelectMode = 'strict' | 'union' | 'loose';

const SELECT_MODIFIERS: ReadonlySet<string> = new Set(['DISTINCT', 'DISTINCTROW', 'ALL', 'TOP']);
const AFTER_TABLE: ReadonlySet<string> = new Set(['WHERE', 'LIMIT', 'ORDER BY', 'GROUP BY', 'HAVING', 'INTO', 'JOIN', 'AS']);

/**
 * Does the SELECT at i look like a real select list? `strict` (a whole statement typed as the value)
 * needs `SELECT <cols> FROM <table>` followed by more SQL, or `SELECT *` / `SELECT @@x`; `union` (after
 * UNION or `;`) accepts any literal/function/column-list start; `loose` accepts anything but the end.
 */
export function selectShape(v: TokenView, i: number, mode: SelectMode): boolean {
  let j = i + 1;
  while (j < MAX_LOOK) {
    const m = v.at(j);
    if (m === undefined || m.type !== 'k' || !SELECT_MODIFIERS.has(m.value)) break;
    j++;
    if (m.value === 'TOP' && is(v.at(j), 'n')) j++;
  }
  const t = v.at(j);
  if (t === undefined) return false;
  if (mode === 'loose') return true;
  if (t.type === 'v' || is(t, 'o', '*')) return true;
  if (mode === 'union') {
    if (t.type === 'n' || t.type === 's' || t.type === 'f' || t.type === '(') return true;
    if (t.type === 'b') {
      const nx = v.at(j + 1);
      return is(nx, ',') || is(nx, 'k', 'FROM') || is(nx, 'c') || is(nx, ';');
    }
    return false;
  }
  // strict: columns then FROM table then more SQL
  for (let k = j; k < Math.min(j + 16, MAX_LOOK); k++) {
    const x = v.at(k);
    if (x === undefined) return false;
    if (is(x, 'k', 'FROM')) {
      const table = v.at(k + 1);
      const after = v.at(k + 2);
      if (table === undefined || (table.type !== 'b' && table.type !== '(')) return false;
      if (table.type === '(') return true;
      return (
        after !== undefined &&
        (after.type === 'c' || after.type === ';' || after.type === 'U' || after.type === ')' ||
          (after.type === 'k' && AFTER_TABLE.has(after.value)))
      );
    }
    if (x.type === 'k' && x.value !== 'AS') return false;
    if (x.type === '&' || x.type === ';' || x.type === 'c' || x.type === 'E' || x.type === 'U') return false;
  }
  return false;
}

export type StatementMode = 'start' | 'stacked' | 'loose';

function execTarget(t: SqlToken | undefined): boolean {
  if (t === undefined) return false;
  if (t.type === 'v' || t.type === 's' || t.type === '(') return true;
  if (t.type !== 'b' && t.type !== 'f') return false;
  const name = t.value.slice(t.value.lastIndexOf('.') + 1);
  return name.startsWith('XP_') || name.startsWith('SP_');
}

/** Does the statement keyword at i start a plausible statement? */
export function statementShape(v: TokenView, i: number, mode: StatementMode): boolean {
  const t = v.at(i);
  if (t === undefined) return false;
  const n1 = v.at(i + 1);
  const n2 = v.at(i + 2);
  switch (t.value) {
    case 'SELECT':
      return selectShape(v, i, mode === 'start' ? 'strict' : 'union');
    case 'INSERT':
      return is(n1, 'k', 'INTO') && (is(n2, 'b') || is(n2, 'f'));
    case 'UPDATE':
      return is(n1, 'b') && is(n2, 'k', 'SET');
    case 'DELETE': {
      if (!is(n1, 'k', 'FROM') || !is(n2, 'b')) return false;
      if (mode !== 'start') return true;
      const n3 = v.at(i + 3);
      return is(n3, 'c') || is(n3, ';') || is(n3, 'k', 'WHERE');
    }
    case 'DROP':
    case 'CREATE':
    case 'ALTER':
    case 'TRUNCATE':
      if (n1 !== undefined && DDL_OBJECTS.has(n1.value) && n2 !== undefined) {
        if (!(n2.type === 'b' || n2.type === 'f' || n2.type === 's' || n2.type === 'k')) return false;
        if (mode !== 'start') return true;
        // a whole statement typed as the value ("drop table tennis" is prose): needs more SQL after the name
        const n3 = v.at(i + 3);
        return n2.type === 'f' || is(n3, ';') || is(n3, 'c') || is(n3, ',') || is(n3, '(');
      }
      return mode === 'loose' && t.value === 'TRUNCATE' && is(n1, 'b');
    case 'EXEC':
    case 'EXECUTE':
      return execTarget(n1) || (mode === 'loose' && is(n1, 'b'));
    case 'DECLARE':
      return is(n1, 'v');
    case 'SHUTDOWN':
      if (n1 === undefined) return mode !== 'start';
      return n1.type === 'c' || n1.type === ';' || n1.value === 'WITH';
    case 'WAITFOR DELAY':
    case 'WAITFOR TIME':
      return n1 !== undefined && (n1.type === 's' || n1.type === 'n' || n1.type === 'v');
    default:
      return false;
  }
}

