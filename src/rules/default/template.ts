import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';
import { USER_INPUT } from './common.js';

/**
 * Server-side template and expression injection, including JNDI / Log4Shell (107xxx). Plain placeholders
 * (`{{name}}`, `${price}`) pass; arithmetic probes, object-graph walks and known gadget classes do not.
 */
const TAGS = ['attack-injection-template'];
const CAT = 'template_injection_score';
const JAVA_TAGS = ['attack-injection-template', 'attack-rce', 'language-java'];

/** Log4j lookup prefixes (lower-cased values). */
const LOOKUPS = 'jndi|lower|upper|env|sys|java|date|main|base64|k8s|docker|ctx|log4j|spring|bundle|jvmrunargs|web|marker|sd|map|event|script';

export const TEMPLATE_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 107000,
    // `{{7*7}}`, `${7*7}`, `#{7*7}`, `<%= 7*7 %>`, `{{7*'7'}}`, `*{7*7}`, `@(7*7)`, `[[7*7]]`, `{%...%}`.
    targets: `${USER_INPUT}|REQUEST_HEADERS:User-Agent|REQUEST_HEADERS:Referer`,
    transforms: ['urlDecodeUni', 'htmlEntityDecode'],
    operator: /(?:\{\{|\$\{|#\{|\*\{|\[\[|\{%|<%=?|\$\{\{|\{#)\s*['"]?\d+['"]?\s*(?:[*\/+%-]|\*\*)\s*['"]?\d+['"]?\s*(?:\}|%>|\]\]|\)|%\})/,
    msg: 'Template injection: arithmetic probe',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 107010,
    // Python object-graph walks (Jinja2, Mako, Tornado): `''.__class__.__mro__[1].__subclasses__()`.
    targets: `${USER_INPUT}|REQUEST_HEADERS:User-Agent`,
    transforms: ['urlDecodeUni', 'htmlEntityDecode', 'jsDecode'],
    operator: /__(?:class|mro|subclasses|globals|builtins|import|init|base|bases|dict|reduce|reduce_ex|getattribute|code|func__|self__|loader|spec)__|\b(?:lipsum|cycler|joiner|namespace|url_for|get_flashed_messages)\s*\.\s*__|\{\{\s*(?:config|self|request|lipsum|cycler|joiner|namespace|url_for|get_flashed_messages|_self|g|session)\s*(?:\.\s*(?:items|application|_\w|__|env|update|from_)|\[\s*['"])|\|\s*(?:attr|filter|map|reduce|sort)\s*\(\s*['"]|registerUndefinedFilterCallback|\bgetFilter\s*\(/,
    msg: 'Template injection: Python/Twig object traversal',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 107020,
    // JS sandbox escapes: `{{constructor.constructor('...')()}}`, `this.constructor.constructor`, `[].constructor`.
    targets: `${USER_INPUT}|REQUEST_HEADERS:User-Agent`,
    transforms: ['urlDecodeUni', 'htmlEntityDecode', 'jsDecode'],
    operator: /\bconstructor\s*(?:\.|\[\s*['"`])\s*constructor\b|\bconstructor\s*\(\s*['"`][^'"`]{0,200}['"`]\s*\)\s*\(|\[\s*['"`]constructor['"`]\s*\]/,
    msg: 'Template injection: constructor.constructor sandbox escape',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 107030,
    // Java EL / SpEL / OGNL / Freemarker / Velocity gadgets.
    targets: `${USER_INPUT}|REQUEST_HEADERS`,
    transforms: ['urlDecodeUni', 'htmlEntityDecode'],
    operator: /\bT\s*\(\s*java\.|\bjava\.lang\.(?:Runtime|ProcessBuilder|System|Class|reflect|Thread)\b|\bgetRuntime\s*\(\s*\)|\bnew\s+java\.(?:lang|io|net|util)\.|@java\.lang\.|#_memberAccess|#context\s*\[|#request\s*\.|\bognl(?:Util|Context)\b|\.getClass\s*\(\s*\)\s*\.\s*(?:forName|getClassLoader|getMethod)|freemarker\.template\.utility\.(?:Execute|ObjectConstructor|JythonRuntime)|\?new\s*\(\s*\)|<#assign\b|#set\s*\(\s*\$\w+\s*=|\$class\.inspect|\.getClassLoader\s*\(|javax\.script\.ScriptEngineManager|\bScriptEngineManager\s*\(|java\.beans\.XMLDecoder|\bclass\.module\.classLoader|\bclassLoader\.resources\b/i,
    msg: 'Expression language injection: Java gadget',
    severity: 'critical', paranoia: 1, tags: JAVA_TAGS, category: CAT,
  }),
  defineRule({
    id: 107040,
    // Log4Shell: `${jndi:ldap://...}` and lookups used to rebuild it (`${${lower:j}ndi:...}`, `${::-j}`, `${env:X:-j}`).
    phase: 1,
    targets: 'REQUEST_URI|REQUEST_HEADERS|REQUEST_HEADERS_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES|ARGS_GET|ARGS_GET_NAMES',
    transforms: ['urlDecodeUni', 'jsDecode', 'lowercase'],
    operator: new RegExp(String.raw`\$\{[\s\x00]*(?:(?:${LOOKUPS})[\s\x00]*:|::-|[a-z]{0,20}:[^}]{0,40}:-)|\$\{[^}]{0,40}?\$\{|\bjndi[\s\x00]*:[\s\x00]*(?:ldaps?|rmi|dns|iiop|corba|nds|nis|https?)\b`),
    msg: 'Log4Shell: JNDI or lookup expression',
    severity: 'critical', paranoia: 1, tags: JAVA_TAGS, category: CAT,
  }),
  defineRule({
    id: 107041,
    targets: 'ARGS|ARGS_NAMES|XML:/*|REQUEST_BODY',
    transforms: ['urlDecodeUni', 'jsDecode', 'lowercase'],
    operator: new RegExp(String.raw`\$\{[\s\x00]*(?:(?:${LOOKUPS})[\s\x00]*:|::-|[a-z]{0,20}:[^}]{0,40}:-)|\$\{[^}]{0,40}?\$\{|\bjndi[\s\x00]*:[\s\x00]*(?:ldaps?|rmi|dns|iiop|corba|nds|nis|https?)\b`),
    msg: 'Log4Shell: JNDI or lookup expression in the body',
    severity: 'critical', paranoia: 1, tags: JAVA_TAGS, category: CAT,
  }),
  defineRule({
    id: 107050,
    // ERB/EJS/ASP-style code blocks and other engines' code tags.
    targets: `${USER_INPUT}`,
    transforms: ['urlDecodeUni', 'htmlEntityDecode'],
    operator: /<%[=\-#]?\s*[\w@$`'"(][^%]{0,300}%>|\{php\}|\{\s*(?:system|exec|passthru|shell_exec)\s*\(|\{\{\s*#\s*with\s+["'\w]|__\$\{[^{}]{0,200}\}__|#\{\s*(?:`|%x|system|exec|spawn|eval|IO\.popen|Kernel\.|File\.read|Open3)/,
    msg: 'Template injection: server-side code block',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 107100,
    targets: USER_INPUT,
    transforms: ['urlDecodeUni'],
    operator: /\{\{[^{}]{0,200}\}\}|\$\{[^{}$]{1,200}\}|#\{[^{}#]{1,200}\}|<%[^%]{0,200}%>/,
    msg: 'Template injection: template delimiters',
    severity: 'notice', paranoia: 3, tags: TAGS, category: CAT,
  }),
];
