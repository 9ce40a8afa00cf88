/**
 * The dashboard's browser script, inlined into the page (no CDN, no build step). Plain ES2017 in a string.
 *
 * It opens the alert stream (WebSocket, same origin, the session cookie authenticates it), fetches the
 * server's snapshot (`<path>/api/state`) after each `hello` (so a reconnect re-syncs what was missed), and
 * keeps totals, the chart, top rules, top IPs, the feed and the ban list current from stream events, with the
 * same counting rules as aggregate.ts. Everything a client sent (URLs, IPs, messages) is inserted with
 * textContent, never as HTML.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('portcullis-config').textContent);
  var TOP = 10, FEED = 100, BUCKETS = 60;
  var PALETTE = { sqli: '#e5534b', xss: '#f0b72f', rce: '#a371f7', lfi: '#4ea5d9', rfi: '#2dba9b', nosql: '#db6d28',
    'prototype-pollution': '#d2a8ff', 'injection-node': '#f778ba', 'injection-template': '#ff9bce', ssrf: '#79c0ff',
    protocol: '#8b949e', 'reputation-scanner': '#56d364', disclosure: '#e3b341', limit: '#6e7681',
    ratelimit: '#bc8cff', ban: '#ff7b72', other: '#9ca3af' };
  var EXTRA = ['#58a6ff', '#3fb950', '#d29922', '#f85149', '#8957e5', '#1f6feb', '#238636', '#9e6a03'];
  var S = null, queue = [], ws = null, backoff = 500, dirty = false, synced = false;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function color(cat) {
    if (PALETTE[cat]) return PALETTE[cat];
    var h = 0; for (var i = 0; i < cat.length; i++) h = (h * 31 + cat.charCodeAt(i)) >>> 0;
    return EXTRA[h % EXTRA.length];
  }
  function fmtTime(t) { var d = new Date(t); return isNaN(d) ? '' : d.toLocaleTimeString(); }
  function fmtDuration(ms) {
    if (ms <= 0) return 'expired';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  // ------------------------------------------------------------------ state (same rules as aggregate.ts)

  function fresh(snap) {
    var s = { totals: Object.assign({ alerts: 0, blocked: 0, detected: 0, ratelimited: 0, bans: 0 }, snap.totals),
      bucketMs: snap.bucketMs || 10000, buckets: new Map(), rules: new Map(), ips: new Map(), feed: [], keys: new Set(),
      incidents: new Set(), bans: new Map(), config: snap.config || {} };
    (snap.timeline || []).forEach(function (b) { s.buckets.set(Math.floor(b.t / s.bucketMs), Object.assign({}, b.counts)); });
    (snap.topRules || []).forEach(function (r) { s.rules.set(r.id, { id: r.id, message: r.message, severity: r.severity, count: r.count }); });
    (snap.topIps || []).forEach(function (r) { s.ips.set(r.ip, { ip: r.ip, count: r.count, last: r.last }); });
    (snap.recent || []).forEach(function (f) { s.feed.push(f); s.keys.add(f.key); if (f.type === 'alert') s.incidents.add(f.key.slice(6)); });
    (snap.bans || []).forEach(function (b) { s.bans.set(b.ip, b); });
    return s;
  }

  function categoryOf(a) {
    var best = null, score = -1;
    (a.matches || []).forEach(function (m) {
      var tags = m.tags || [];
      for (var i = 0; i < tags.length; i++) {
        var t = tags[i];
        if (t.indexOf('attack-') === 0 && t.length > 7) { if (m.score > score) { best = t.slice(7); score = m.score; } break; }
        if (best === null && t.indexOf('portcullis-') === 0 && t.length > 11) best = t.slice(11);
      }
    });
    return best || 'other';
  }
  var SEV = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];
  function highest(a) {
    var r = -1; (a.matches || []).forEach(function (m) { var i = SEV.indexOf(m.severity); if (i > r) r = i; });
    return r < 0 ? null : SEV[r];
  }
  function feedItem(type, d) {
    if (type === 'alert' || type === 'block') {
      var top = (d.matches || [])[0];
      return { type: type, key: type + ':' + d.incidentId, time: d.time, ip: d.clientIp, category: categoryOf(d), action: d.action,
        method: d.method, url: d.url, score: d.score, rules: (d.matches || []).map(function (m) { return m.id; }),
        severity: highest(d), text: top ? top.message : '' };
    }
    if (type === 'ratelimit') return { type: type, key: 'ratelimit:' + d.clientIp + ':' + d.time, time: d.time, ip: d.clientIp, category: 'ratelimit', action: 'block', method: d.method, url: d.url, score: 0, rules: [], severity: null, text: 'limit ' + d.limit + ': ' + d.max + ' per ' + d.windowMs + ' ms' };
    if (type === 'ban') return { type: type, key: 'ban:' + d.ip + ':' + d.time, time: d.time, ip: d.ip, category: 'ban', action: 'ban', method: '', url: '', score: 0, rules: [], severity: null, text: 'banned by ' + d.jail + ' for ' + Math.round(d.durationMs / 1000) + ' s: ' + d.reason };
    return { type: type, key: 'unban:' + d.ip + ':' + d.time, time: d.time, ip: d.ip, category: 'unban', action: 'unban', method: '', url: '', score: 0, rules: [], severity: null, text: 'unbanned (' + d.reason + ')' };
  }
  function bump(time, cat) {
    var t = Date.parse(time); if (isNaN(t)) t = Date.now();
    var i = Math.floor(t / S.bucketMs), b = S.buckets.get(i);
    if (!b) { b = {}; S.buckets.set(i, b); }
    b[cat] = (b[cat] || 0) + 1;
  }
  function offender(ip, time) {
    var e = S.ips.get(ip);
    if (e) { e.count++; e.last = time; } else S.ips.set(ip, { ip: ip, count: 1, last: time });
  }
  function pushFeed(f) {
    S.keys.add(f.key);
    S.feed.push(f);
    if (S.feed.length > FEED) S.feed.splice(0, S.feed.length - FEED);
    if (S.keys.size > 4 * FEED) S.keys = new Set(S.feed.map(function (x) { return x.key; }));
  }

  function apply(type, d) {
    if (type === 'reload') { if (d.ok) { S.config.rulesVersion = d.rulesVersion; } return; }
    var f = feedItem(type, d);
    if (S.keys.has(f.key)) return;
    if (type === 'alert' || type === 'block') {
      if (type === 'block' && S.incidents.has(d.incidentId)) return;
      if (type === 'block' && d.matches && d.matches[0] && d.matches[0].id === cfg.ratelimitRule) return; // the ratelimit event counts it
      if (type === 'alert') { S.incidents.add(d.incidentId); if (S.incidents.size > 2000) S.incidents = new Set(); }
      S.totals.alerts++;
      if (d.action === 'block') S.totals.blocked++; else if (d.action === 'detect') S.totals.detected++;
      bump(d.time, f.category);
      offender(d.clientIp, d.time);
      (d.matches || []).forEach(function (m) {
        var r = S.rules.get(m.id);
        if (r) r.count++; else S.rules.set(m.id, { id: m.id, message: m.message, severity: m.severity || null, count: 1 });
      });
    } else if (type === 'ratelimit') {
      S.totals.ratelimited++; bump(d.time, 'ratelimit'); offender(d.clientIp, d.time);
    } else if (type === 'ban') {
      S.totals.bans++; bump(d.time, 'ban');
      S.bans.set(d.ip, { ip: d.ip, until: d.until, jail: d.jail, reason: d.reason, count: d.count });
    } else if (type === 'unban') {
      S.bans.delete(d.ip);
    }
    pushFeed(f);
  }

  // ------------------------------------------------------------------ rendering

  function renderHeader() {
    var c = S.config;
    var mode = $('mode'); mode.textContent = c.mode || '?'; mode.className = 'badge mode-' + (c.mode || 'unknown');
    $('paranoia').textContent = 'PL ' + (c.paranoia != null ? c.paranoia : '?');
    $('rules-version').textContent = c.rulesVersion ? 'rules ' + c.rulesVersion : '';
    $('threshold').textContent = c.threshold != null ? 'threshold ' + c.threshold : '';
  }
  function renderTotals() {
    $('total-alerts').textContent = S.totals.alerts;
    $('total-blocked').textContent = S.totals.blocked;
    $('total-detected').textContent = S.totals.detected;
    $('total-ratelimited').textContent = S.totals.ratelimited;
    $('total-bans').textContent = S.bans.size;
  }
  function fillTable(tbody, rows, empty, cols) {
    tbody.replaceChildren();
    if (!rows.length) { var tr = el('tr', 'empty'); var td = el('td', null, empty); td.colSpan = cols; tr.appendChild(td); tbody.appendChild(tr); return; }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  function renderTop() {
    var rules = Array.from(S.rules.values()).sort(function (a, b) { return b.count - a.count || a.id - b.id; }).slice(0, TOP);
    fillTable($('top-rules'), rules.map(function (r) {
      var tr = el('tr'); tr.dataset.rule = r.id;
      tr.appendChild(el('td', 'num', r.id)); tr.appendChild(el('td', 'msg', r.message));
      tr.appendChild(el('td', 'sev sev-' + (r.severity || 'none'), r.severity || '')); tr.appendChild(el('td', 'num', r.count));
      return tr;
    }), 'No rule has matched yet.', 4);
    var ips = Array.from(S.ips.values()).sort(function (a, b) { return b.count - a.count || (a.ip < b.ip ? -1 : 1); }).slice(0, TOP);
    fillTable($('top-ips'), ips.map(function (r) {
      var tr = el('tr'); tr.dataset.ip = r.ip;
      tr.appendChild(el('td', 'ip', r.ip)); tr.appendChild(el('td', 'num', r.count)); tr.appendChild(el('td', 'time', fmtTime(r.last)));
      tr.appendChild(el('td', null, S.bans.has(r.ip) ? 'banned' : ''));
      return tr;
    }), 'No offending client yet.', 4);
  }
  function renderBans() {
    var now = Date.now();
    var list = Array.from(S.bans.values()).filter(function (b) { return !b.until || b.until > now; })
      .sort(function (a, b) { return (a.until || 0) - (b.until || 0); });
    fillTable($('bans'), list.map(function (b) {
      var tr = el('tr'); tr.dataset.ip = b.ip;
      tr.appendChild(el('td', 'ip', b.ip)); tr.appendChild(el('td', null, b.jail)); tr.appendChild(el('td', 'msg', b.reason));
      tr.appendChild(el('td', 'time', b.until ? fmtDuration(b.until - now) : 'permanent')); tr.appendChild(el('td', 'num', b.count));
      var td = el('td'); var btn = el('button', 'unban', 'Unban'); btn.type = 'button'; btn.dataset.ip = b.ip;
      btn.addEventListener('click', function () { unban(b.ip, btn); });
      td.appendChild(btn); tr.appendChild(td);
      return tr;
    }), 'No client is banned.', 6);
  }
  function renderFeed() {
    var list = $('feed');
    var items = S.feed.slice().reverse();
    list.replaceChildren.apply(list, items.map(function (f) {
      var li = el('li', 'ev ev-' + f.type + ' act-' + f.action); li.dataset.type = f.type; li.dataset.ip = f.ip;
      var head = el('div', 'ev-head');
      head.appendChild(el('span', 'time', fmtTime(f.time)));
      var badge = el('span', 'badge', f.type === 'alert' ? f.action : f.type); badge.style.background = color(f.category); head.appendChild(badge);
      head.appendChild(el('span', 'cat', f.category));
      head.appendChild(el('span', 'ip', f.ip));
      if (f.method) head.appendChild(el('span', 'method', f.method));
      if (f.url) head.appendChild(el('span', 'url', f.url.length > 160 ? f.url.slice(0, 160) + '…' : f.url));
      li.appendChild(head);
      var detail = el('div', 'ev-detail', f.text + (f.rules.length ? '  [' + f.rules.join(', ') + ']' : '') + (f.score ? '  score ' + f.score : ''));
      li.appendChild(detail);
      return li;
    }));
    $('feed-empty').hidden = items.length > 0;
  }
  function renderChart() {
    var canvas = $('chart'), ctx = canvas.getContext('2d');
    var dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    var last = Math.floor(Date.now() / S.bucketMs), first = last - BUCKETS + 1, totals = {}, max = 0, i, k;
    for (var key of Array.from(S.buckets.keys())) if (key < first - 5) S.buckets.delete(key);
    for (i = first; i <= last; i++) {
      var b = S.buckets.get(i) || {}, sum = 0;
      for (k in b) { totals[k] = (totals[k] || 0) + b[k]; sum += b[k]; }
      if (sum > max) max = sum;
    }
    var cats = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a] || (a < b ? -1 : 1); });
    var left = 36, bottom = 20, top = 8, plotH = h - bottom - top, plotW = w - left - 8;
    var step = max <= 5 ? 1 : Math.pow(10, Math.floor(Math.log10(max))) * (max / Math.pow(10, Math.floor(Math.log10(max))) > 5 ? 2 : 1);
    var ymax = Math.max(1, Math.ceil(max / step) * step);
    ctx.font = '11px system-ui, sans-serif'; ctx.fillStyle = '#8b949e'; ctx.strokeStyle = '#30363d'; ctx.lineWidth = 1;
    for (var y = 0; y <= ymax; y += step) {
      var py = top + plotH - (y / ymax) * plotH;
      ctx.beginPath(); ctx.moveTo(left, Math.round(py) + 0.5); ctx.lineTo(w - 8, Math.round(py) + 0.5); ctx.stroke();
      ctx.fillText(String(y), 4, py + 4);
    }
    var bw = plotW / BUCKETS;
    for (i = first; i <= last; i++) {
      var bucket = S.buckets.get(i) || {}, x = left + (i - first) * bw, acc = 0;
      cats.forEach(function (c) {
        var n = bucket[c] || 0; if (!n) return;
        var hh = (n / ymax) * plotH;
        ctx.fillStyle = color(c);
        ctx.fillRect(x + 1, top + plotH - acc - hh, Math.max(1, bw - 2), hh);
        acc += hh;
      });
      if ((i * S.bucketMs) % 60000 === 0) {
        ctx.fillStyle = '#8b949e';
        var d = new Date(i * S.bucketMs);
        ctx.fillText(('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2), x - 12, h - 5);
      }
    }
    var legend = $('legend');
    legend.replaceChildren.apply(legend, cats.map(function (c) {
      var li = el('li'); li.dataset.category = c;
      var sw = el('span', 'swatch'); sw.style.background = color(c); li.appendChild(sw);
      li.appendChild(el('span', null, c + ' ' + totals[c]));
      return li;
    }));
    canvas.dataset.total = String(cats.reduce(function (n, c) { return n + totals[c]; }, 0));
  }
  function render() {
    dirty = false;
    if (!S) return;
    renderHeader(); renderTotals(); renderTop(); renderBans(); renderFeed(); renderChart();
  }
  function schedule() { if (!dirty) { dirty = true; requestAnimationFrame(render); } }

  // ------------------------------------------------------------------ actions

  function notice(text, bad) {
    var n = $('notice'); n.textContent = text; n.className = bad ? 'notice bad' : 'notice'; n.hidden = false;
    clearTimeout(notice.t); notice.t = setTimeout(function () { n.hidden = true; }, 4000);
  }
  function unban(ip, btn) {
    btn.disabled = true;
    fetch(cfg.api + '/unban', { method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-portcullis-dashboard': '1' }, body: JSON.stringify({ ip: ip }) })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (r) {
        if (!r.ok) throw new Error(r.body && r.body.error || 'unban failed');
        S.bans.delete(ip); schedule();
        notice(r.body.unbanned ? ip + ' unbanned' : ip + ' was not banned');
      })
      .catch(function (e) { btn.disabled = false; notice(String(e.message || e), true); });
  }

  // ------------------------------------------------------------------ connection

  function status(text, cls) { var s = $('status'); s.textContent = text; s.className = 'status ' + cls; }
  function sync() {
    synced = false;
    fetch(cfg.api + '/state', { credentials: 'same-origin', headers: { 'x-portcullis-dashboard': '1' } })
      .then(function (r) { if (!r.ok) throw new Error('state: HTTP ' + r.status); return r.json(); })
      .then(function (snap) {
        S = fresh(snap);
        var q = queue; queue = [];
        q.forEach(function (m) { apply(m.type, m.data); });
        synced = true;
        document.body.dataset.ready = '1';
        schedule();
      })
      .catch(function (e) { notice(String(e.message || e), true); setTimeout(sync, 2000); });
  }
  function connect() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + cfg.stream + '?types=alert,block,ban,unban,ratelimit,reload';
    status('connecting', 'connecting');
    ws = new WebSocket(url);
    ws.onopen = function () { backoff = 500; status('live', 'live'); };
    ws.onmessage = function (ev) {
      var m; try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (!m || m.v !== 1) return;
      if (m.type === 'hello') {
        if (S) { S.config.mode = m.data.mode; S.config.paranoia = m.data.paranoia; S.config.rulesVersion = m.data.rulesVersion; }
        queue = []; sync(); return;
      }
      if (m.type === 'dropped') { notice(m.data.count + ' events were dropped (the page fell behind)', true); return; }
      if (m.type === 'error' || m.type === 'subscribed') return;
      if (!synced) { if (queue.length < 10000) queue.push(m); return; }
      apply(m.type, m.data); schedule();
    };
    ws.onclose = function (ev) {
      status(ev.code === 1006 || ev.code === 1001 ? 'reconnecting' : 'disconnected (' + ev.code + ')', 'down');
      setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 15000);
    };
  }

  var logout = $('logout');
  if (logout) logout.addEventListener('click', function () {
    fetch(cfg.api + '/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-portcullis-dashboard': '1' } })
      .then(function () { location.href = cfg.page; });
  });
  setInterval(function () { if (S) { renderBans(); renderChart(); } }, 1000);
  window.addEventListener('resize', schedule);
  connect();
})();
`;
