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

// Characters that show nothing: format characters (bidi marks, embeddings and isolates, joiners),
// white space, the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) and the blank braille pattern.
// A value made only of these looks empty wherever it is shown: it is treated as empty.
const SHOWS_NOTHING = /^[\p{Cf}\s\u115F\u1160\u3164\uFFA0\u2800]*$/u;

// The bidi marks (LRM, RLM, ALM): invisible, kept in text (right-to-left names may need them), but
// never part of an address.
const BIDI_MARK = /[\u061C\u200E\u200F]/;

/** Trimmed, NFC, invisible characters removed; empty (or showing nothing at all) → null. */
export function cleanText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let v = value;
  if (INVISIBLE.test(v)) v = v.replace(INVISIBLE_ALL, '');
  v = v.normalize('NFC').trim();
  return v === '' || SHOWS_NOTHING.test(v) ? null : v;
}

/** The first bidi mark as `U+200E`, or null. */
export function firstBidiMark(value: string): string | null {
  const m = BIDI_MARK.exec(value);
  return m ? `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` : null;
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
