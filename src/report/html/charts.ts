import type { KindStatus, StatusSeries } from '../status-model.js';
import { esc, num } from './escape.js';

/**
 * Inline SVG charts, drawn from numbers only (no label comes from a record), with colours as
 * presentation attributes: they render the same in the offline report, in print and on the
 * dashboard, with no script and no library.
 */
export const COLORS = {
  done: '#2f6fb0',
  rateLimited: '#c0392b',
  retries: '#d98c00',
  inOkta: '#2e8b57',
  notMigrated: '#9aa5b1',
  needsAction: '#d9622b',
  toDo: '#8fb8de',
  axis: '#5b6570',
  grid: '#e3e7eb',
} as const;

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

/** A ceiling for an axis: 1, 2 or 5 × a power of ten. */
export function niceMax(n: number): number {
  if (n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 5, 10]) if (n <= m * p) return m * p;
  return 10 * p;
}

function timeLabel(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  if (spanMs > 2 * 86_400_000) return iso.slice(5, 10);
  if (spanMs > 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(11, spanMs < 10 * 60_000 ? 19 : 16);
}

function bucketLabel(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  if (ms < 86_400_000) return `${ms / 3_600_000} h`;
  return `${ms / 86_400_000} d`;
}

/** Records settled per bar (bars, left axis) with 429s and retries per bar (lines, right axis). */
export function throughputChart(series: StatusSeries, options: { width?: number; height?: number; title?: string } = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const m = { left: 52, right: 48, top: 30, bottom: 30 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const pts = series.points;
  const maxDone = niceMax(Math.max(0, ...pts.map((p) => p.done)));
  const maxErr = niceMax(Math.max(0, ...pts.map((p) => Math.max(p.rateLimited, p.retries))));
  const slotW = plotW / Math.max(1, pts.length);
  const x = (i: number): number => m.left + i * slotW;
  const yErr = (v: number): number => m.top + plotH - (v / maxErr) * plotH;
  const totalDone = pts.reduce((n, p) => n + p.done, 0);
  const total429 = pts.reduce((n, p) => n + p.rateLimited, 0);
  const totalRetries = pts.reduce((n, p) => n + p.retries, 0);
  const title = options.title ?? 'Throughput and 429s';
  const label = `${title}: ${num(totalDone)} records settled, ${num(total429)} 429s, ${num(totalRetries)} retries, one bar per ${bucketLabel(series.bucketMs)}`;
  const out: string[] = [];
  out.push(`<svg class="chart" data-chart="throughput" data-points="${pts.length}" data-done="${totalDone}" data-rate-limited="${total429}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<title>${esc(label)}</title>`);
  for (const f of [0, 0.5, 1]) {
    const y = r1(m.top + plotH - f * plotH);
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${y}" y2="${y}" stroke="${COLORS.grid}"/>`);
    // Only whole numbers on the axes: a mid-line at 2.5 429s would read as a rounding error.
    if (Number.isInteger(maxDone * f)) out.push(`<text x="${m.left - 6}" y="${y}" dy="0.32em" text-anchor="end" fill="${COLORS.done}">${esc(num(maxDone * f))}</text>`);
    if (Number.isInteger(maxErr * f)) out.push(`<text x="${m.left + plotW + 6}" y="${y}" dy="0.32em" fill="${COLORS.rateLimited}">${esc(num(maxErr * f))}</text>`);
  }
  pts.forEach((p, i) => {
    if (p.done <= 0) return;
    const h = Math.max(1, (p.done / maxDone) * plotH);
    out.push(`<rect class="bar" x="${r1(x(i) + slotW * 0.1)}" y="${r1(m.top + plotH - h)}" width="${r1(Math.max(1, slotW * 0.8))}" height="${r1(h)}" fill="${COLORS.done}"><title>${esc(`${timeLabel(p.t, 0)} UTC: ${num(p.done)} records`)}</title></rect>`);
  });
  const line = (key: 'rateLimited' | 'retries', color: string, dash: string): void => {
    if (!pts.some((p) => p[key] > 0)) return;
    const d = pts.map((p, i) => `${r1(x(i) + slotW / 2)},${r1(yErr(p[key]))}`).join(' ');
    out.push(`<polyline class="line-${key}" points="${d}" fill="none" stroke="${color}" stroke-width="1.6"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
  };
  line('rateLimited', COLORS.rateLimited, '');
  line('retries', COLORS.retries, '4 3');
  out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="${COLORS.axis}"/>`);
  const span = pts.length * series.bucketMs;
  const every = Math.max(1, Math.ceil(pts.length / 6));
  for (let i = 0; i < pts.length; i += every) {
    const p = pts[i] as (typeof pts)[number];
    out.push(`<text x="${r1(x(i) + slotW / 2)}" y="${height - m.bottom + 16}" text-anchor="middle" fill="${COLORS.axis}">${esc(timeLabel(p.t, span))}</text>`);
  }
  out.push(`<text x="${m.left}" y="14" fill="${COLORS.done}">■ records / ${esc(bucketLabel(series.bucketMs))}</text>`);
  out.push(`<text x="${m.left + 170}" y="14" fill="${COLORS.rateLimited}">━ 429s</text>`);
  out.push(`<text x="${m.left + 230}" y="14" fill="${COLORS.retries}">┅ retries</text>`);
  out.push(`<text x="${width - 4}" y="14" text-anchor="end" fill="${COLORS.axis}">UTC</text>`);
  if (totalDone === 0 && total429 === 0 && totalRetries === 0) {
    out.push(`<text x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" text-anchor="middle" fill="${COLORS.axis}">no activity in this period</text>`);
  }
  out.push('</svg>');
  return out.join('');
}

const SEGMENTS = [
  ['inOkta', 'in Okta'],
  ['notMigrated', 'not migrated (skipped, duplicate, removed, deleted)'],
  ['needsAction', 'needs action'],
  ['toDo', 'to do'],
] as const;

/** One stacked bar per kind: in Okta, not migrated, needs action, to do. */
export function kindBars(kinds: KindStatus[], options: { width?: number } = {}): string {
  const width = options.width ?? 720;
  const rowH = 30;
  const m = { left: 80, right: 70, top: 34 };
  const plotW = width - m.left - m.right;
  const height = m.top + kinds.length * rowH + 8;
  const out: string[] = [];
  const label = kinds.map((k) => `${k.kind}: ${SEGMENTS.map(([key, name]) => `${num(k[key])} ${name}`).join(', ')}`).join('; ');
  out.push(`<svg class="chart" data-chart="kinds" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(label)}" font-family="system-ui, sans-serif" font-size="11">`);
  out.push(`<title>${esc(label || 'no records')}</title>`);
  let lx = m.left;
  for (const [key, name] of SEGMENTS) {
    out.push(`<rect x="${lx}" y="8" width="10" height="10" fill="${COLORS[key]}"/><text x="${lx + 14}" y="17" fill="${COLORS.axis}">${esc(name)}</text>`);
    lx += 24 + name.length * 5.6;
  }
  kinds.forEach((k, i) => {
    const y = m.top + i * rowH;
    out.push(`<text x="${m.left - 8}" y="${y + rowH / 2}" dy="0.32em" text-anchor="end" fill="${COLORS.axis}">${esc(k.kind)}</text>`);
    let sx = m.left;
    for (const [key, name] of SEGMENTS) {
      const w = k.total > 0 ? (k[key] / k.total) * plotW : 0;
      if (w <= 0) continue;
      out.push(`<rect class="seg-${key}" x="${r1(sx)}" y="${y + 4}" width="${r1(w)}" height="${rowH - 10}" fill="${COLORS[key]}"><title>${esc(`${k.kind}: ${num(k[key])} ${name}`)}</title></rect>`);
      sx += w;
    }
    out.push(`<text x="${m.left + plotW + 6}" y="${y + rowH / 2}" dy="0.32em" fill="${COLORS.axis}">${esc(num(k.total))}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
