/**
 * Text clean-up shared by every field. Invisible characters that exports pick up (a BOM inside a
 * cell, zero-width spaces pasted from web forms) are removed; visible damage (control characters)
 * is reported, not removed, because we cannot know what the value was meant to be.
 */

// BOM, zero-width space/non-joiner/joiner, word joiner, soft hyphen: invisible, never meant.
const INVISIBLE = /[\uFEFF\u200B-\u200D\u2060\u00AD]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

// C0/C1 controls (tab and line breaks included: no Okta profile field holds them), DEL, the line and
// paragraph separators, and the bidirectional overrides/isolates that make text display reversed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

/** Trimmed, NFC, invisible characters removed; empty → null. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let v = value;
  if (INVISIBLE.test(v)) v = v.replace(INVISIBLE_ALL, '');
  v = v.normalize('NFC').trim();
  return v === '' ? null : v;
}

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

/** The first control character as `U+0007`, for messages. */
export function firstControlCharacter(value: string): string {
  const m = CONTROL.exec(value);
  const code = m ? (m[0].codePointAt(0) ?? 0) : 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A value for messages: quoted, control characters escaped, long values shortened. */
export function show(value: string, max = 60): string {
  const short = value.length > max ? `${value.slice(0, max)}… (${value.length} characters)` : value;
  return JSON.stringify(short);
}

/** True when the string has any character outside ASCII. */
export function isAscii(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7F]*$/.test(value);
}
