/**
 * The dashboard's HTML: one self-contained document (inline CSS and script, guarded by a per-response CSP
 * nonce; no external resource of any kind), and the small sign-in page used with token authentication.
 */
import { PAGE_SCRIPT } from './page-script.js';

export interface PageConfig {
  /** Base of the JSON API (`<path>/api`). */
  readonly api: string;
  /** The page's own path (where sign-out returns to). */
  readonly page: string;
  /** Path of the alert stream. */
  readonly stream: string;
  /** Show a sign-out button (token authentication through the cookie). */
  readonly tokenMode: boolean;
  /** Finding id of rate-limit blocks (counted once, through their ratelimit event). */
  readonly ratelimitRule: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script type="application/json"> element (no `</script>`, no HTML comment openers). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const STYLE = `
:root { color-scheme: dark; --bg: #0d1117; --panel: #161b22; --line: #30363d; --text: #e6edf3; --muted: #8b949e; --accent: #58a6ff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { display: flex; align-items: center; gap: 12px; padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--panel); flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0 12px 0 0; letter-spacing: .5px; }
header .spacer { flex: 1; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #0d1117; background: var(--muted); text-transform: uppercase; }
.mode-block { background: #3fb950; } .mode-detect { background: #d29922; } .mode-off { background: #f85149; }
.chip { color: var(--muted); font-size: 13px; }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; border: 1px solid var(--line); }
.status.live { color: #3fb950; border-color: #238636; } .status.down { color: #f85149; border-color: #da3633; } .status.connecting { color: #d29922; }
main { display: grid; grid-template-columns: repeat(12, 1fr); gap: 16px; padding: 16px 20px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
section h2 { margin: 0 0 8px; font-size: 13px; text-transform: uppercase; letter-spacing: .6px; color: var(--muted); font-weight: 600; }
.tiles { grid-column: span 12; display: grid; grid-template-columns: repeat(5, 1fr); gap: 16px; background: none; border: 0; padding: 0; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.tile .n { font-size: 26px; font-weight: 700; } .tile .l { color: var(--muted); font-size: 12px; text-transform: uppercase; }
.chart { grid-column: span 12; }
#chart { width: 100%; height: 180px; display: block; }
#legend { list-style: none; padding: 0; margin: 8px 0 0; display: flex; flex-wrap: wrap; gap: 12px; color: var(--muted); font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.half { grid-column: span 6; } .third { grid-column: span 4; } .twothirds { grid-column: span 8; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; color: var(--muted); font-weight: 500; border-bottom: 1px solid var(--line); padding: 4px 6px; }
td { border-bottom: 1px solid #21262d; padding: 4px 6px; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.msg { color: var(--text); } td.ip, span.ip { font-family: ui-monospace, monospace; }
tr.empty td { color: var(--muted); font-style: italic; border: 0; }
.sev-critical, .sev-emergency, .sev-alert { color: #ff7b72; } .sev-error { color: #ffa657; } .sev-warning { color: #e3b341; } .sev-notice { color: #79c0ff; }
button { background: #21262d; color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 2px 10px; cursor: pointer; font: inherit; font-size: 12px; }
button:hover { border-color: var(--accent); } button:disabled { opacity: .5; cursor: default; }
#feed { list-style: none; margin: 0; padding: 0; max-height: 520px; overflow: auto; }
.ev { border-bottom: 1px solid #21262d; padding: 5px 2px; }
.ev-head { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.ev-head .time { color: var(--muted); font-variant-numeric: tabular-nums; font-size: 12px; }
.ev-head .cat { color: var(--muted); font-size: 12px; } .ev-head .method { font-weight: 600; font-size: 12px; }
.ev-head .url { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; color: #c9d1d9; }
.ev-detail { color: var(--muted); font-size: 12px; padding-left: 2px; }
.notice { position: fixed; right: 20px; bottom: 20px; background: #1f6feb; color: #fff; padding: 8px 14px; border-radius: 6px; }
.notice.bad { background: #da3633; }
.muted { color: var(--muted); }
@media (max-width: 1000px) { .half, .third, .twothirds { grid-column: span 12; } .tiles { grid-template-columns: repeat(2, 1fr); } }
`;

/** The document start both pages share: `title` is already escaped, `extraStyle` follows the common style. */
function pageHead(nonce: string, title: string, extraStyle: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}</title>
<style nonce="${nonce}">${STYLE}${extraStyle}</style>
</head>`;
}

/** The dashboard document. `nonce` must be fresh per response and match the CSP header. */
export function renderDashboardPage(nonce: string, config: PageConfig, title: string): string {
  const t = escapeHtml(title);
  return `${pageHead(nonce, t, '')}
<body>
<header>
  <h1>${t}</h1>
  <span id="mode" class="badge">…</span>
  <span id="paranoia" class="chip"></span>
  <span id="threshold" class="chip"></span>
  <span id="rules-version" class="chip"></span>
  <span class="spacer"></span>
  <span id="status" class="status connecting">connecting</span>
  ${config.tokenMode ? '<button id="logout" type="button">Sign out</button>' : ''}
</header>
<main>
  <section class="tiles" aria-label="Totals">
    <div class="tile"><div class="n" id="total-alerts">0</div><div class="l">Alerts</div></div>
    <div class="tile"><div class="n" id="total-blocked">0</div><div class="l">Blocked</div></div>
    <div class="tile"><div class="n" id="total-detected">0</div><div class="l">Detected only</div></div>
    <div class="tile"><div class="n" id="total-ratelimited">0</div><div class="l">Rate-limited</div></div>
    <div class="tile"><div class="n" id="total-bans">0</div><div class="l">Bans active</div></div>
  </section>
  <section class="chart">
    <h2>Events per 10 s, last 10 minutes, by category</h2>
    <canvas id="chart" role="img" aria-label="Events over time by category"></canvas>
    <ul id="legend"></ul>
  </section>
  <section class="half">
    <h2>Top rules</h2>
    <table><thead><tr><th>Rule</th><th>Message</th><th>Severity</th><th>Matches</th></tr></thead><tbody id="top-rules"></tbody></table>
  </section>
  <section class="half">
    <h2>Top offending IPs</h2>
    <table><thead><tr><th>IP</th><th>Events</th><th>Last seen</th><th></th></tr></thead><tbody id="top-ips"></tbody></table>
  </section>
  <section class="twothirds">
    <h2>Live feed</h2>
    <p id="feed-empty" class="muted">Waiting for events…</p>
    <ul id="feed"></ul>
  </section>
  <section class="third">
    <h2>Active bans</h2>
    <table><thead><tr><th>IP</th><th>Jail</th><th>Reason</th><th>Ends in</th><th>#</th><th></th></tr></thead><tbody id="bans"></tbody></table>
  </section>
</main>
<div id="notice" class="notice" hidden></div>
<script id="portcullis-config" type="application/json">${scriptJson(config)}</script>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** The sign-in form for token authentication (posts to `<path>/login`). */
export function renderLoginPage(nonce: string, action: string, title: string, error: string | undefined): string {
  return `${pageHead(nonce, `${escapeHtml(title)}: sign in`, `
form { max-width: 360px; margin: 12vh auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
input { width: 100%; padding: 6px 8px; margin: 8px 0 12px; background: var(--bg); color: var(--text); border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.err { color: #ff7b72; }
`)}
<body>
<form method="post" action="${escapeHtml(action)}">
  <h1>${escapeHtml(title)}</h1>
  ${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}
  <label for="token">Access token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}
