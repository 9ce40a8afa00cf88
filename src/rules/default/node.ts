import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';
import { USER_INPUT } from './common.js';

/**
 * Node.js code injection (108xxx): payloads aimed at `eval`, `vm`, `Function` or deserialisers
 * (node-serialize `_$$ND_FUNC$$_`). PL1 judgement call: JS snippets that require `child_process` or walk to
 * `process.mainModule` are flagged even in a "message" field; ordinary JS (`const x = 1`) passes.
 */
const TAGS = ['attack-injection-node', 'language-javascript'];
const CAT = 'node_injection_score';

export const NODE_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 108000,
    targets: `${USER_INPUT}|REQUEST_HEADERS:User-Agent|REQUEST_HEADERS:Referer`,
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: /\b(?:require|import)\s*\(\s*['"`](?:node:)?(?:child_process|fs|fs\/promises|net|os|vm|http|https|dgram|cluster|worker_threads|process|module|inspector|v8|repl)['"`]\s*\)|\bchild_process\b|\bprocess\s*\.\s*(?:mainModule|binding|_linkedBinding|dlopen|getBuiltinModule|kill|exit|abort|chdir|setuid|setgid|env\s*\[|env\s*\.\s*\w+\s*[)\]+;,]|popen)\b|\bprocess\s*\[\s*['"`](?:mainModule|binding|env)|\bglobal(?:This)?\s*(?:\.\s*|\[\s*['"`])process\b|\bmodule\s*\.\s*(?:constructor\s*\.\s*_load|require)\b|\b(?:execSync|execFileSync|spawnSync)\s*\(|\b(?:exec|spawn|execFile|fork)\s*\(\s*['"`](?:\/bin\/|sh\b|bash\b|cmd\b|id\b|whoami\b|cat\b|ls\b|curl\b|wget\b|nc\b)|_\$\$ND_FUNC\$\$_/,
    msg: 'Node.js code injection: process / child_process access',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 108010,
    // Dynamic code: `Function("...")()`, `new Function(...)`, `eval("...")`, `vm.runInThisContext(...)`.
    targets: `${USER_INPUT}|REQUEST_HEADERS:User-Agent`,
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: /\bnew\s+Function\s*\(|(?:^|[^\w$.])Function\s*\(\s*['"`][^'"`]{0,500}['"`]\s*\)\s*\(|\beval\s*\(\s*(?:['"`]|atob\s*\(|String\s*\.\s*fromCharCode|Buffer\s*\.\s*from|unescape\s*\(|decodeURI(?:Component)?\s*\(|require\s*\(|process\b|global\b|this\b)|\bvm\s*\.\s*(?:runIn(?:This|New)?Context|compileFunction|Script)\b|\bset(?:Timeout|Interval|Immediate)\s*\(\s*['"`][^'"`]{0,200}(?:require|process|eval|constructor)/,
    msg: 'Node.js code injection: dynamic code evaluation',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 108020,
    targets: `${USER_INPUT}`,
    transforms: ['urlDecodeUni', 'jsDecode'],
    operator: /\bBuffer\s*\.\s*from\s*\(\s*['"`][\w+/=-]{8,}['"`]\s*,\s*['"`](?:base64|hex)['"`]|\bprocess\s*\.\s*env\b|\brequire\s*\(\s*[^)]|\bimport\s*\(\s*['"`]/,
    msg: 'Node.js code injection: require/import/env reference',
    severity: 'warning', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
