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

// Anything with an @ in it: invalid addresses (no dot, two @) are the ones messages quote most.
const EMAIL = /[^\s<>"'(),;:]*@[^\s<>"'(),;:]*/g;

/** Masks every email address inside a free text (journal messages can quote a login). */
export function maskEmailsIn(text: string | null): string {
  if (text === null) return '';
  return text.replace(EMAIL, (m) => {
    const trailing = /[.]+$/.exec(m)?.[0] ?? '';
    return maskLogin(m.slice(0, m.length - trailing.length)) + trailing;
  });
}

/**
 * Masks a record's own personal values (login, email, names) wherever its message quotes them, then
 * any other address: a message about an invalid login quotes it even when it has no @.
 */
export function maskRecordText(text: string | null, values: (string | null)[]): string {
  if (text === null) return '';
  let out = text;
  for (const v of values) {
    if (v && v.length >= 2) out = out.split(v).join(maskLogin(v));
  }
  return maskEmailsIn(out);
}
