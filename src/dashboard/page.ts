/**
 * The dashboard page: static HTML, CSS and a small script (no framework, no CDN). The script only
 * renders what /events pushes; it writes text with textContent, and the only markup it inserts is the
 * chart SVG the server drew from numbers. Served under a strict CSP (see server.ts).
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>efs-okta dashboard</title>
<link rel="stylesheet" href="/dashboard.css">
<script src="/dashboard.js" defer></script>
</head>
<body>
<header class="top"><strong>efs-okta</strong> migration dashboard <span id="conn" class="conn">connecting…</span></header>
<main id="journals"></main>
<noscript>This page needs JavaScript for live updates; <a href="/api/status">/api/status</a> has the numbers.</noscript>
</body>
</html>
`;

export const DASHBOARD_CSS = `
:root { --fg: #1d2329; --muted: #5b6570; --line: #d5dbe1; --bg: #f6f8fa; --ok: #2e8b57; --warn: #d9622b; --bad: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
.top { padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--bg); }
.conn { float: right; font-size: 12px; color: var(--muted); }
.conn.live { color: var(--ok); } .conn.down { color: var(--bad); }
main { max-width: 1100px; margin: 0 auto; padding: 8px 20px 40px; }
section.journal { border-bottom: 2px solid var(--line); padding: 12px 0 20px; }
h2 { font-size: 19px; margin: 8px 0 2px; }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.sub { color: var(--muted); font-size: 13px; }
.err { color: var(--bad); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--bg); }
.card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: 12px; }
.card.warn .v { color: var(--warn); }
progress { width: 100%; height: 14px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; }
th { background: var(--bg); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.states { color: var(--muted); font-size: 12px; }
.chart { display: block; max-width: 100%; height: auto; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; }
@media (max-width: 800px) { .two { grid-template-columns: 1fr; } }
`;

export const DASHBOARD_JS = String.raw`'use strict';
(function () {
  var root = document.getElementById('journals');
  var conn = document.getElementById('conn');
  function fmt(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'); }
  function dur(ms) {
    if (ms === null || ms === undefined) return 'unknown';
    var s = Math.round(ms / 1000);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm ' + (s % 60) + 's';
    var h = Math.floor(m / 60);
    return h < 48 ? h + 'h ' + (m % 60) + 'm' : Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
  }
  function time(ms) { return ms ? new Date(ms).toISOString().slice(11, 19) + ' UTC' : '–'; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function card(field, label) {
    var c = el('div', { 'class': 'card', 'data-card': field });
    c.appendChild(el('div', { 'class': 'v', 'data-field': field }, '–'));
    c.appendChild(el('div', { 'class': 'l', 'data-label': field }, label));
    return c;
  }
  function table(name, heads) {
    var t = el('table', { 'data-table': name });
    var tr = el('tr');
    heads.forEach(function (h) { tr.appendChild(el('th', h[1] ? { 'class': 'n' } : {}, h[0])); });
    var thead = el('thead'); thead.appendChild(tr); t.appendChild(thead); t.appendChild(el('tbody'));
    return t;
  }
  function section(id) {
    var s = el('section', { 'class': 'journal', 'data-journal': String(id) });
    s.appendChild(el('h2', { 'data-field': 'title' }, '…'));
    s.appendChild(el('div', { 'class': 'sub', 'data-field': 'run' }));
    s.appendChild(el('div', { 'class': 'sub err', 'data-field': 'error' }));
    var body = el('div', { 'data-field': 'body' });
    var p = el('div', { 'class': 'sub', 'data-field': 'progress' });
    body.appendChild(p);
    body.appendChild(el('progress', { 'data-field': 'progressbar', max: '1', value: '0' }));
    var cards = el('div', { 'class': 'cards' });
    [['done', 'records settled'], ['total', 'records in the journal'], ['ratePerMinute', 'records / min now'],
     ['allowedPerMinute', 'this run\'s share (req / min)'], ['rateLimited', '429s, last 5 min'], ['retries', 'retries, last 5 min'],
     ['eta', 'ETA'], ['needsAction', 'need action']].forEach(function (c) { cards.appendChild(card(c[0], c[1])); });
    body.appendChild(cards);
    body.appendChild(el('h3', {}, 'Per kind'));
    body.appendChild(table('kinds', [['kind'], ['done / total', 1], ['in Okta', 1], ['active', 1], ['to do', 1], ['need action', 1], ['not migrated', 1], ['states']]));
    body.appendChild(el('h3', {}, 'Throughput and 429s, last hour'));
    body.appendChild(el('div', { 'data-field': 'chart' }));
    var two = el('div', { 'class': 'two' });
    var left = el('div'); left.appendChild(el('h3', {}, 'Failures by reason'));
    left.appendChild(table('failures', [['kind'], ['state'], ['reason'], ['count', 1]]));
    var right = el('div'); right.appendChild(el('h3', {}, 'Rate-limit buckets'));
    right.appendChild(table('buckets', [['bucket'], ['limit / min', 1], ['share', 1], ['allowed / min', 1], ['remaining', 1]]));
    right.appendChild(el('h3', {}, 'Retries by code, last 5 min'));
    right.appendChild(table('retries', [['code'], ['count', 1]]));
    two.appendChild(left); two.appendChild(right); body.appendChild(two);
    s.appendChild(body);
    root.appendChild(s);
    return s;
  }
  function set(s, field, text) { var e = s.querySelector('[data-field="' + field + '"]'); if (e) e.textContent = text; }
  function rows(s, name, list, cells) {
    var tbody = s.querySelector('[data-table="' + name + '"] tbody');
    tbody.textContent = '';
    if (list.length === 0) { var tr0 = el('tr'); var td0 = el('td', { colspan: '9', 'class': 'sub' }, 'none'); tr0.appendChild(td0); tbody.appendChild(tr0); return; }
    list.forEach(function (item) {
      var tr = el('tr');
      cells(item).forEach(function (c) {
        var td = el('td', c[2] ? { 'class': c[2] } : {}, c[0]);
        if (c[1]) td.setAttribute('data-field', c[1]);
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }
  function render(j) {
    var s = root.querySelector('[data-journal="' + j.id + '"]') || section(j.id);
    var st = j.status;
    s.setAttribute('data-generated-at', st ? String(st.generatedAt) : '');
    set(s, 'error', j.error || '');
    s.querySelector('[data-field="body"]').hidden = !st;
    if (!st) { set(s, 'title', j.file); set(s, 'run', ''); return; }
    set(s, 'title', (st.journal.installation || st.journal.file) + ' · ' + st.journal.file);
    var r = st.run;
    set(s, 'run', (r.active ? 'running: ' + r.command + ' since ' + time(r.startedAt)
      : r.interrupted ? 'interrupted: ' + (r.command || r.phase) + ' started at ' + time(r.startedAt) + ' did not finish (its process is gone): run it again to continue'
      : (r.phase ? 'last run: ' + r.phase + ', ' + (r.outcome || 'stopped') + (r.finishedAt ? ' at ' + time(r.finishedAt) : '') : 'no run yet'))
      + ' · updated ' + time(st.generatedAt));
    var pr = st.progress;
    set(s, 'progress', pr ? pr.phase + ': ' + fmt(pr.done) + ' / ' + fmt(pr.total) + (r.active && !pr.fresh ? ' (not moving)' : !r.active && pr.done >= pr.total ? ' (finished)' : '') : 'no progress reported yet');
    var bar = s.querySelector('[data-field="progressbar"]');
    bar.max = pr && pr.total > 0 ? pr.total : 1; bar.value = pr ? Math.min(pr.done, bar.max) : 0;
    set(s, 'done', fmt(st.totals.done));
    set(s, 'total', fmt(st.totals.total));
    set(s, 'ratePerMinute', fmt(st.rate.currentPerMinute));
    set(s, 'allowedPerMinute', st.rate.bucket ? fmt(st.rate.bucket.allowedPerMinute) : '–');
    var lab = s.querySelector('[data-label="allowedPerMinute"]');
    lab.textContent = st.rate.bucket ? 'share ' + Math.round(st.rate.bucket.share * 100) + '% of ' + fmt(st.rate.bucket.limit) + ' / min (' + st.rate.bucket.bucket + ')' : 'this run\'s share (not learned yet)';
    set(s, 'rateLimited', fmt(st.throttling.rateLimited));
    s.querySelector('[data-label="rateLimited"]').textContent = '429s, last 5 min' + (st.throttling.rateLimitedThisRun !== null ? ' (' + fmt(st.throttling.rateLimitedThisRun) + ' this run)' : '');
    set(s, 'retries', fmt(st.throttling.retries));
    set(s, 'eta', st.eta.ms === null ? '–' : dur(st.eta.ms));
    set(s, 'needsAction', fmt(st.totals.needsAction));
    s.querySelector('[data-card="needsAction"]').className = st.totals.needsAction > 0 ? 'card warn' : 'card';
    rows(s, 'kinds', st.kinds, function (k) {
      var states = Object.keys(k.states).map(function (x) { return x + ' ' + fmt(k.states[x]); }).join(' · ');
      return [[k.kind, 'kind'], [fmt(k.done) + ' / ' + fmt(k.total), k.kind + '.done', 'n'], [fmt(k.inOkta), k.kind + '.inOkta', 'n'],
        [fmt(k.active), k.kind + '.active', 'n'], [fmt(k.toDo), k.kind + '.toDo', 'n'], [fmt(k.needsAction), k.kind + '.needsAction', 'n'],
        [fmt(k.notMigrated), k.kind + '.notMigrated', 'n'], [states, k.kind + '.states', 'states']];
    });
    rows(s, 'failures', st.failures, function (f) {
      return [[f.kind], [f.state], [f.reason, 'reason'], [fmt(f.count), 'count', 'n']];
    });
    rows(s, 'buckets', st.rate.buckets, function (b) {
      return [[b.bucket], [fmt(b.limit), null, 'n'], [Math.round(b.share * 100) + '%', null, 'n'], [fmt(b.allowedPerMinute), null, 'n'], [fmt(b.remaining), null, 'n']];
    });
    rows(s, 'retries', st.throttling.retriesByCode, function (c) { return [[c.code], [fmt(c.count), null, 'n']]; });
    // The chart is SVG the server drew from numbers only (see report/html/charts.ts).
    s.querySelector('[data-field="chart"]').innerHTML = j.chart || '';
  }
  var source = new EventSource('/events');
  source.addEventListener('status', function (ev) {
    var payload = JSON.parse(ev.data);
    payload.journals.forEach(render);
    conn.textContent = 'live · ' + time(payload.generatedAt);
    conn.className = 'conn live';
    document.body.setAttribute('data-updates', String(Number(document.body.getAttribute('data-updates') || 0) + 1));
  });
  source.onerror = function () { conn.textContent = 'reconnecting…'; conn.className = 'conn down'; };
})();
`;
