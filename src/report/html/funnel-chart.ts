import type { FunnelData } from '../../journal/activation.js';
import { COLORS, niceMax } from './charts.js';
import { esc, num, pct } from './escape.js';

/**
 * The activation funnel over time: cumulative users emailed, who set a password and who signed
 * in, one point per period, as inline SVG (numbers only), plus a table per wave. Shared by the
 * HTML report and the dashboard.
 */
const LINES = [
  ['emailed', 'emailed', COLORS.toDo],
  ['passwordSet', 'password set', COLORS.inOkta],
  ['signedIn', 'signed in', COLORS.done],
] as const;

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

export function funnelChart(f: FunnelData, options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 200;
  const m = { left: 52, right: 20, top: 30, bottom: 30 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const pts = f.points;
  const max = niceMax(Math.max(0, ...pts.map((p) => p.emailed)));
  const x = (i: number): number => m.left + (pts.length <= 1 ? plotW / 2 : (i / (pts.length - 1)) * plotW);
  const y = (v: number): number => m.top + plotH - (v / max) * plotH;
  const t = f.totals;
  const label = `Activation funnel: ${num(t.emailed)} emailed, ${num(t.passwordSet)} set a password, ${num(t.signedIn)} signed in`;
  const out: string[] = [];
  out.push(`<svg class="chart" data-chart="funnel" data-points="${pts.length}" data-emailed="${t.emailed}" data-password-set="${t.passwordSet}" data-signed-in="${t.signedIn}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<title>${esc(label)}</title>`);
  for (const g of [0, 0.5, 1]) {
    const yy = r1(m.top + plotH - g * plotH);
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${yy}" y2="${yy}" stroke="${COLORS.grid}"/>`);
    if (Number.isInteger(max * g)) out.push(`<text x="${m.left - 6}" y="${yy}" dy="0.32em" text-anchor="end" fill="${COLORS.axis}">${esc(num(max * g))}</text>`);
  }
  LINES.forEach(([key, name, color], i) => {
    if (pts.length) out.push(`<polyline class="line-${key}" points="${pts.map((p, j) => `${r1(x(j))},${r1(y(p[key]))}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    // A dot per day (a single day would draw no line at all), each with its count.
    if (pts.length <= 62) for (const [j, p] of pts.entries()) out.push(`<circle cx="${r1(x(j))}" cy="${r1(y(p[key]))}" r="3" fill="${color}"><title>${esc(`${new Date(p.t).toISOString().slice(0, 10)}: ${num(p[key])} ${name}`)}</title></circle>`);
    out.push(`<text x="${m.left + i * 130}" y="14" fill="${color}">━ ${esc(name)}</text>`);
  });
  const every = Math.max(1, Math.ceil(pts.length / 6));
  for (let i = 0; i < pts.length; i += every) {
    out.push(`<text x="${r1(x(i))}" y="${height - m.bottom + 16}" text-anchor="middle" fill="${COLORS.axis}">${esc(new Date((pts[i] as (typeof pts)[number]).t).toISOString().slice(5, 10))}</text>`);
  }
  if (pts.length === 0) out.push(`<text x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" text-anchor="middle" fill="${COLORS.axis}">no link sent yet</text>`);
  out.push('</svg>');
  return out.join('');
}

/** The funnel section of the HTML report: the chart, the totals and one row per wave. */
export function funnelSection(f: FunnelData | null, now: number): string {
  if (!f || f.totals.emailed === 0) return `<section id="funnel">\n<h2>Activation</h2>\n<p>No user has been sent an activation link yet.</p>\n</section>`;
  const t = f.totals;
  const waves = f.waves.map((w) => `<tr data-wave="${w.wave}"><td>${w.wave || '?'}</td><td>${w.startedAt ? esc(new Date(w.startedAt).toISOString().slice(0, 16).replace('T', ' ')) : ''}</td><td class="n">${num(w.emailed)}</td><td class="n">${num(w.passwordSet)}</td><td class="n">${num(w.signedIn)}</td><td class="n">${num(w.provisioned)}</td><td class="n">${num(w.expired)}</td><td class="n">${pct(w.passwordSet, w.emailed)}</td></tr>`).join('\n');
  const refreshed = f.lastRefreshAt ? `Okta was last read ${esc(new Date(f.lastRefreshAt).toISOString().slice(0, 16).replace('T', ' '))} UTC (<code>users refresh</code>).` : 'Okta has not been read yet: run <code>efs-okta users refresh</code> for who set a password.';
  const oldest = f.oldestWaitingSince ? ` The oldest link still waiting is ${num(Math.floor((now - f.oldestWaitingSince) / 86_400_000))} day(s) old.` : '';
  return `<section id="funnel">
<h2>Activation</h2>
<p>${refreshed} Of <strong data-field="funnel.emailed">${esc(num(t.emailed))}</strong> users sent a link, <strong data-field="funnel.passwordSet">${esc(num(t.passwordSet))}</strong> set a password (${pct(t.passwordSet, t.emailed)}), <strong data-field="funnel.signedIn">${esc(num(t.signedIn))}</strong> signed in; <strong data-field="funnel.provisioned">${esc(num(t.provisioned))}</strong> were emailed and have no password yet (PROVISIONED), ${esc(num(t.expired))} of them with an expired link.${oldest} Reminders: ${esc(num(t.reminders))} sent to ${esc(num(t.reminded))} users.</p>
${funnelChart(f)}
<table><thead><tr><th>wave (run)</th><th>sent (UTC)</th><th class="n">emailed</th><th class="n">password set</th><th class="n">signed in</th><th class="n">no password yet</th><th class="n">link expired</th><th class="n">password set %</th></tr></thead>
<tbody>
${waves}
</tbody></table>
<p class="muted">A user counts in the wave of the last link sent to them: a reminder moves them to the reminder's wave.</p>
</section>`;
}
