import { formatDuration } from '../summary.js';
import type { KindStatus, ReasonCount } from '../status-model.js';
import { kindBars, throughputChart } from './charts.js';
import { funnelSection } from './funnel-chart.js';
import { esc, num, pct, utc } from './escape.js';
import { explainReason, WHAT_TO_DO } from './reasons.js';
import type { HtmlReportData } from './report-data.js';
import { REPORT_CSS } from './styles.js';

/**
 * The customer report: one self-contained HTML document (inline CSS, inline SVG, no script, no URL
 * of any kind), so it opens offline, can be mailed as one file and prints well. A CSP meta tag makes
 * any fetch impossible even if a browser extension injects a reference.
 */
export function renderHtmlReport(d: HtmlReportData): string {
  const s = d.status;
  const name = s.journal.installation ?? s.journal.file;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${esc(`Okta migration report: ${name}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>Okta migration report: ${esc(name)}</h1>
<p class="muted">Generated ${esc(utc(d.generatedAt))} from the journal <code>${esc(s.journal.file)}</code>. ${d.unmasked ? '<strong>Logins are shown in full: handle this file as personal data.</strong>' : 'Logins are masked (a***@example.com).'}</p>
</header>
${summarySection(d)}
${migratedSection(s.kinds)}
${funnelSection(s.activation, d.generatedAt)}
${skippedSection(s.skipped)}
${actionSection(d)}
${activitySection(d)}
<footer>efs-okta · counts from the journal, the tool's record of every state it wrote · times in UTC</footer>
</body>
</html>
`;
}

function summarySection(d: HtmlReportData): string {
  const t = d.status.totals;
  const card = (value: number, label: string, cls = '', field = ''): string =>
    `<div class="card ${cls}"${field ? ` data-field="${field}"` : ''}><div class="v">${esc(num(value))}</div><div class="l">${esc(label)}</div></div>`;
  const rows = d.status.kinds.map((k) => `<tr data-kind="${esc(k.kind)}"><td>${esc(k.kind)}</td><td class="n">${num(k.total)}</td><td class="n">${num(k.inOkta)}</td><td class="n">${num(k.active)}</td><td class="n">${num(k.notMigrated)}</td><td class="n">${num(k.needsAction)}</td><td class="n">${num(k.toDo)}</td><td class="n">${pct(k.inOkta, k.total)}</td></tr>`).join('\n');
  const run = d.status.run;
  const runNote = run.active
    ? `<p class="note">A run (<code>${esc(run.command)}</code>) was still in progress when this report was made: the numbers will change.</p>`
    : '';
  const verdict = t.needsAction > 0
    ? `<p class="note">${esc(num(t.needsAction))} record(s) need your action: see “What needs your action”.</p>`
    : `<p class="note good">No record needs your action.</p>`;
  return `<section id="summary">
<h2>Summary</h2>
<div class="cards">
${card(t.total, 'records in the journal', '', 'total')}
${card(t.inOkta, 'in Okta', 'ok', 'inOkta')}
${card(t.provisioned, 'emailed, no password yet (PROVISIONED)', t.provisioned ? 'warn' : '', 'provisioned')}
${card(t.active, 'password set, active in Okta (portals: registered)', 'ok', 'active')}
${card(t.notMigrated, 'not migrated (skipped, duplicate, removed, deleted)', '', 'notMigrated')}
${card(t.needsAction, 'need your action', t.needsAction ? 'warn' : '', 'needsAction')}
${card(t.toDo, 'still to do', '', 'toDo')}
</div>
${runNote}${verdict}
${kindBars(d.status.kinds)}
<table><thead><tr><th>kind</th><th class="n">total</th><th class="n">in Okta</th><th class="n">active</th><th class="n">not migrated</th><th class="n">need action</th><th class="n">to do</th><th class="n">in Okta %</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">the journal has no records yet</td></tr>'}
</tbody></table>
</section>`;
}

const IN_OKTA_LABELS: Record<string, string> = {
  staged: 'created, not yet activated (STAGED)',
  activating: 'being activated',
  provisioned: 'emailed, no password yet (PROVISIONED)',
  active: 'password set (ACTIVE)',
  linked: 'existed in Okta, added to the groups',
  registered: 'portal registered as an Okta app',
};

function nothingInOkta(kinds: KindStatus[]): string {
  const deleted = kinds.reduce((n, k) => n + (k.states.deleted ?? 0), 0);
  return deleted > 0
    ? `<p>Nothing is in Okta now: ${num(deleted)} record(s) this migration had created were deleted again by rollback (listed below under "What was not migrated").</p>`
    : '<p>Nothing is in Okta yet.</p>';
}

function migratedSection(kinds: KindStatus[]): string {
  const rows: string[] = [];
  for (const k of kinds) {
    for (const [state, label] of Object.entries(IN_OKTA_LABELS)) {
      const n = k.states[state] ?? 0;
      if (n > 0) rows.push(`<tr><td>${esc(k.kind)}</td><td><code>${esc(state)}</code></td><td>${esc(label)}</td><td class="n">${num(n)}</td></tr>`);
    }
  }
  return `<section id="migrated">
<h2>What was migrated</h2>
${rows.length ? `<table><thead><tr><th>kind</th><th>state</th><th>meaning</th><th class="n">count</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>` : nothingInOkta(kinds)}
</section>`;
}

function reasonRows(list: ReasonCount[], withAdvice: boolean): string {
  return list.map((r) => `<tr><td>${esc(r.kind)}</td><td><code>${esc(r.state)}</code></td><td><code>${esc(r.reason)}</code></td><td>${esc(explainReason(r.reason, r.state))}${withAdvice ? ` <span class="muted">${esc(WHAT_TO_DO[r.state] ?? '')}</span>` : ''}</td><td class="n">${num(r.count)}</td></tr>`).join('\n');
}

function skippedSection(skipped: ReasonCount[]): string {
  return `<section id="skipped">
<h2>What was not migrated, and why</h2>
${skipped.length ? `<table><thead><tr><th>kind</th><th>state</th><th>reason</th><th>meaning</th><th class="n">count</th></tr></thead><tbody>\n${reasonRows(skipped, false)}\n</tbody></table>` : '<p>Every record was migrated or is still to do.</p>'}
</section>`;
}

function actionSection(d: HtmlReportData): string {
  const f = d.status.failures;
  if (f.length === 0) return `<section id="action"><h2>What needs your action</h2><p>Nothing: no record is invalid, in conflict or failed.</p></section>`;
  const rows = d.actions.map((a) => `<tr><td>${esc(a.kind)}</td><td>${esc(a.key)}</td><td>${esc(a.login)}</td><td><code>${esc(a.state)}</code></td><td><code>${esc(a.reason)}</code></td><td>${esc(a.message)}</td><td class="n">${a.line ?? ''}</td></tr>`).join('\n');
  const cut = d.actionsTotal > d.actions.length
    ? `<p class="note">The table lists the first ${num(d.actions.length)} of ${num(d.actionsTotal)} records; <code>efs-okta report --format csv</code> lists them all.</p>`
    : '';
  return `<section id="action" class="long">
<h2>What needs your action</h2>
<table><thead><tr><th>kind</th><th>state</th><th>reason</th><th>meaning and what to do</th><th class="n">count</th></tr></thead><tbody>
${reasonRows(f, true)}
</tbody></table>
<h3>The records</h3>
${cut}
<table data-table="actions"><thead><tr><th>kind</th><th>source key</th><th>login</th><th>state</th><th>reason</th><th>detail</th><th class="n">line</th></tr></thead><tbody>
${rows}
</tbody></table>
</section>`;
}

function activitySection(d: HtmlReportData): string {
  const runs = d.runs.map((r) => {
    const counts = r.counts ? Object.entries(r.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${num(n)}`).join(', ') : '';
    const took = r.finishedAt !== null ? formatDuration(r.finishedAt - r.startedAt) : 'not finished';
    return `<tr><td>${esc(r.phase)}</td><td>${esc(utc(r.startedAt))}</td><td>${esc(took)}</td><td>${esc(r.outcome ?? 'running')}</td><td>${esc(counts)}</td></tr>`;
  }).join('\n');
  const s = d.status;
  const total429 = s.series.points.reduce((n, p) => n + p.rateLimited, 0);
  const totalRetries = s.series.points.reduce((n, p) => n + p.retries, 0);
  return `<section id="activity">
<h2>Runs and throughput</h2>
<p>Records settled over time, with Okta's rate limiting (429 answers) and retries: ${esc(num(total429))} 429s and ${esc(num(totalRetries))} retries in all. The tool slows down on 429s and never exceeds the share of Okta's rate limit it was given.</p>
${throughputChart(s.series, { title: 'Records settled over time' })}
${runs ? `<table><thead><tr><th>phase</th><th>started</th><th>took</th><th>outcome</th><th>counts</th></tr></thead><tbody>\n${runs}\n</tbody></table>` : '<p>No run yet.</p>'}
</section>`;
}
