/**
 * Logins in a report that leaves the building are masked: `anna.muller@example.com` becomes
 * `a***@example.com` (the domain stays: customers recognise their own domains and typos in them).
 * A login that is not an email keeps its first character only.
 */
export function maskLogin(login: string | null): string {
  if (login === null || login === '') return '';
  const at = login.lastIndexOf('@');
  if (at <= 0) return `${[...login][0] ?? ''}***`;
  return `${[...login][0] ?? ''}***${login.slice(at)}`;
}

// Anything with an @ after at least one character: invalid addresses (no dot, two @) are the ones
// messages quote most; a lone "@" (as in "(no @)") is part of an explanation, not an address.
const EMAIL = /[^\s<>"'(),;:@][^\s<>"'(),;:]*@[^\s<>"'(),;:]*/g;

/** Masks every email address inside a free text (journal messages can quote a login). */
export function maskEmailsIn(text: string | null): string {
  if (text === null) return '';
  return text.replace(EMAIL, (m) => {
    const trailing = /[.]+$/.exec(m)?.[0] ?? '';
    return maskLogin(m.slice(0, m.length - trailing.length)) + trailing;
  });
}

// A value a message quotes (records/text.ts show(): JSON-quoted, a long one shortened to
// `"abc… (75 characters)"`); not a column name the message refers to (`in "u_email"`, `column "pcode"`).
const QUOTED = /(?<!\b(?:in|column) )"((?:[^"\\]|\\.)*)"/g;
const SHORTENED = /… \(\d+ characters\)$/;

function maskQuoted(content: string): string {
  const suffix = SHORTENED.exec(content)?.[0] ?? '';
  const value = content.slice(0, content.length - suffix.length);
  return value.length < 2 ? content : `${maskLogin(value)}${suffix}`;
}

/**
 * Masks what a message says about a person: every value it quotes (a name, an address, a login,
 * also when shortened or spelled otherwise than the record holds it), the record's own personal
 * values (login, email, names) wherever they appear, then any other address. The sentence around
 * them stays as it was, so the explanation still reads.
 */
export function maskRecordText(text: string | null, values: (string | null)[]): string {
  if (text === null) return '';
  let out = text.replace(QUOTED, (_m, content: string) => `"${maskQuoted(content)}"`);
  for (const v of values) {
    if (v && v.length >= 2) out = out.split(v).join(maskLogin(v));
  }
  return maskEmailsIn(out);
}
