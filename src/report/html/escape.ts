import { terminalText } from '../../core/terminal-text.js';

/** Text and attribute escaping for the HTML we write by hand (report and dashboard); control and bidi characters shown escaped. */
export function esc(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return terminalText(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Whole numbers with thin grouping (1 234 567): readable in every locale, no Intl data needed. */
export function num(n: number): string {
  const s = String(Math.round(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** A UTC timestamp as `2026-11-27 14:05 UTC` (the report goes to people in other time zones). */
export function utc(ms: number | null, withSeconds = false): string {
  if (ms === null) return '–';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)} UTC`;
}

export function pct(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const p = (part / whole) * 100;
  return `${p >= 10 || p === 0 ? Math.round(p) : p.toFixed(1)}%`;
}
