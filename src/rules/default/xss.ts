import { defineRule } from '../define.js';
import type { RuleSpec } from '../types.js';
import { USER_INPUT, USER_INPUT_UA, XSS_TRANSFORMS } from './common.js';

/**
 * Cross-site scripting (102xxx). `@detectXSS` plus regexes for script tags, event handlers (a fixed list at PL1,
 * any `on*=` at PL2), script URIs, dangerous tags and JS sinks. All run after the CRS XSS decode pipeline
 * (utf8toUnicode, urlDecodeUni, htmlEntityDecode, jsDecode, cssDecode, removeNulls), which also maps full-width
 * `＜` (U+FF1C) to `<`.
 *
 * PL1 judgement call: HTML with `<script>`, `<iframe>`, `<svg>`, event handler attributes or `javascript:` URLs is
 * flagged even in free-text fields (a blog editor that posts raw HTML needs a rule exclusion for that field).
 * Markdown and plain HTML formatting (`<b>`, `<p class="x">`, `<a href="https://...">`) pass.
 */
const TAGS = ['attack-xss'];
const CAT = 'xss_score';

/** Event handlers browsers actually fire; `onerror=` etc. are rare in prose but common in payloads. */
const HANDLERS = [
  'abort', 'activate', 'afterprint', 'animationend', 'animationiteration', 'animationstart', 'auxclick',
  'beforecopy', 'beforecut', 'beforeinput', 'beforepaste', 'beforeprint', 'beforetoggle', 'beforeunload', 'begin',
  'blur', 'bounce', 'canplay', 'canplaythrough', 'change', 'click', 'close', 'contextmenu', 'copy', 'cuechange', 'cut',
  'dblclick', 'drag', 'dragend', 'dragenter', 'dragleave', 'dragover', 'dragstart', 'drop', 'durationchange', 'end',
  'ended', 'error', 'finish', 'focus', 'focusin', 'focusout', 'formdata', 'fullscreenchange', 'hashchange', 'input',
  'invalid', 'keydown', 'keypress', 'keyup', 'load', 'loadeddata', 'loadedmetadata', 'loadend', 'loadstart',
  'message', 'mousedown', 'mouseenter', 'mouseleave', 'mousemove', 'mouseout', 'mouseover', 'mouseup', 'mousewheel',
  'offline', 'online', 'pagehide', 'pageshow', 'paste', 'pause', 'play', 'playing', 'pointercancel', 'pointerdown',
  'pointerenter', 'pointerleave', 'pointermove', 'pointerout', 'pointerover', 'pointerrawupdate', 'pointerup',
  'popstate', 'progress', 'readystatechange', 'repeat', 'reset', 'resize', 'scroll', 'scrollend', 'search', 'seeked',
  'seeking', 'select', 'selectionchange', 'selectstart', 'show', 'start', 'storage', 'submit', 'suspend',
  'timeupdate', 'toggle', 'touchend', 'touchmove', 'touchstart', 'transitioncancel', 'transitionend', 'transitionrun',
  'transitionstart', 'unload', 'volumechange', 'waiting', 'webkitanimationend', 'webkitanimationstart',
  'webkittransitionend', 'wheel',
];

export const XSS_RULES: readonly RuleSpec[] = [
  defineRule({
    id: 102000,
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: '@detectXSS',
    msg: 'XSS detected by tokenizer',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT, capture: true,
  }),
  defineRule({
    id: 102010,
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: /<\/?script\b/i,
    msg: 'XSS: script tag',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102020,
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: new RegExp(String.raw`(?:^|[\s"'\x60/;,(<>+])on(?:${HANDLERS.join('|')})\s*=`, 'i'),
    msg: 'XSS: event handler attribute',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102030,
    // Script URIs. Browsers drop tabs/newlines inside the scheme, so `java\tscript:` counts too. A trailing space
    // after the colon plus prose ("JavaScript: the good parts") does not match.
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: /(?:j\s*a\s*v\s*a|v\s*b|l\s*i\s*v\s*e)\s*s\s*c\s*r\s*i\s*p\s*t\s*:(?:[^\s]|\s*[\w$.]+\s*[(`])|\bdata\s*:\s*(?:text\/html|application\/(?:x-)?(?:java|ecma)script|text\/(?:x-)?(?:java|ecma)script)\b/i,
    msg: 'XSS: script URI',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102040,
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: /<(?:iframe|frame|frameset|object|embed|applet|base|meta|svg|math|isindex|import|vmlframe|xss|marquee|template|portal|animate|set|handler|listener|bgsound|layer|ilayer|xml)\b/i,
    msg: 'XSS: dangerous HTML tag',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102041,
    // Attributes that only exist to load or run script (`formaction=`, `srcdoc=`, `xlink:href=`).
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: /\b(?:formaction|xlink:href|srcdoc|dynsrc|lowsrc)\s*=/i,
    msg: 'XSS: dangerous attribute in HTML tag',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102050,
    // JS-context breakouts and sinks: `';alert(1)//`, `alert(document.cookie)`, `prompt\`1\``.
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: /\b(?:alert|prompt|confirm)\s*(?:\(\s*(?:document\.|window\.|this\b|\d|['"`/]|\)|[a-z_$][\w$]*\s*\))|`)|\bdocument\s*\.\s*(?:cookie|domain|write(?:ln)?\s*\()|\bwindow\s*\.\s*(?:location|open\s*\(|name\b)|\blocation\s*\.\s*(?:href|hash|replace\s*\()\s*[=(]|\.innerHTML\s*=|\bString\s*\.\s*fromCharCode\s*\(|\btop\s*\[\s*['"`]|\batob\s*\(\s*['"`]/i,
    msg: 'XSS: JavaScript sink or dialog call',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102060,
    // Full-width or Unicode-escaped angle brackets before a tag name that survived decoding (raw UTF-8 bytes).
    targets: USER_INPUT_UA,
    transforms: ['urlDecodeUni'],
    operator: /\xef\xbc\x9c\/?(?:[a-zA-Z]|\xef\xbd[\x81-\x9a]|\xef\xbc[\xa1-\xba])/,
    msg: 'XSS: full-width angle bracket before a tag',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102070,
    targets: USER_INPUT_UA,
    transforms: XSS_TRANSFORMS,
    operator: /-moz-binding\s*:|\bbehavior\s*:\s*url\s*\(|@import\W{0,12}(?:javascript|data):|@import\W{0,6}url\W{0,6}(?:javascript|data):|\bexpression\s*\(\s*(?:alert|eval|document|window|this)\b/i,
    msg: 'XSS: CSS script injection',
    severity: 'critical', paranoia: 1, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102100,
    // Any `on*=` attribute-like text: noisy in prose ("online=yes"), so PL2.
    targets: USER_INPUT,
    transforms: XSS_TRANSFORMS,
    operator: /(?:^|[\s"'`/;,(<])on[a-z]{3,30}\s*=/i,
    msg: 'XSS: generic event handler',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102101,
    // Attribute breakout `"><tag`, `'><`: appears in pasted HTML, so PL2.
    targets: USER_INPUT,
    transforms: XSS_TRANSFORMS,
    operator: /['"]\s*\/?>\s*<[a-z!/]/i,
    msg: 'XSS: attribute breakout',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102102,
    targets: 'REQUEST_FILENAME|REQUEST_HEADERS:Referer',
    transforms: XSS_TRANSFORMS,
    operator: '@detectXSS',
    msg: 'XSS in the path or Referer (tokenizer)',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
  defineRule({
    id: 102103,
    targets: USER_INPUT,
    transforms: XSS_TRANSFORMS,
    operator: /\beval\s*\(|\bsetTimeout\s*\(\s*['"`]|\bsetInterval\s*\(\s*['"`]|\bdata\s*:\s*image\/svg\+xml/i,
    msg: 'XSS: eval-like sink or suspicious media tag',
    severity: 'critical', paranoia: 2, tags: TAGS, category: CAT,
  }),
];
