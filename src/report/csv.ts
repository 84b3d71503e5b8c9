import { terminalText } from '../core/terminal-text.js';

/**
 * CSV cells for spreadsheets: quoted when needed, and a cell that starts with = + - @ (or a tab or
 * carriage return) gets a leading apostrophe, so Excel and LibreOffice show it as text instead of
 * running it as a formula (CSV injection; OWASP "CSV Injection"). Control and bidi characters are
 * written escaped (a NUL byte or an ESC sequence in a report helps nobody).
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = terminalText(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
