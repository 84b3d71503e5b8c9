/**
 * The one escaping function for text that came from the source or from Okta (names, logins, labels,
 * messages quoting them) on its way to a terminal or a report. A name holding `ESC]0;…` would
 * retitle the operator's terminal, `ESC[2J` clear it, a CR/LF forge a line of output, and a
 * right-to-left override (U+202E) make `gpj.exe` read as `exe.jpg`. Each such character is shown
 * as a visible escape (`\n`, `\u001B`, `\u202E`) instead, so the output says what the data holds.
 */

// C0 controls (tab and line breaks included), DEL, C1 controls, the Arabic letter mark, the
// left-to-right / right-to-left marks, the line and paragraph separators, and the bidirectional
// embeddings, overrides and isolates (Unicode UAX #9: https://www.unicode.org/reports/tr9/).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
// The same set without the C0 controls and DEL, which JSON.stringify escapes itself.
const UNSAFE_IN_JSON = /[\u0080-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(c: string): string {
  return NAMED[c] ?? `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One value (a table cell, a name, a label) made safe for a terminal or a report: one line, no control or bidi character. */
export function terminalText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(UNSAFE, escapeChar);
}

/** A message of our own that may span lines: its line breaks stay, everything else is escaped. */
export function terminalLines(message: string): string {
  return message.split('\n').map(terminalText).join('\n');
}

/** JSON for stdout or a report file: the same data, with C1 and bidi characters written as \uXXXX (still valid JSON). */
export function jsonText(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? 'null').replace(UNSAFE_IN_JSON, escapeChar);
}

