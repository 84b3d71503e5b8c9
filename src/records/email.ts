import { domainToASCII } from 'node:url';
import { fail, type Failure } from './reasons.js';
import { firstBidiMark, firstControlCharacter, hasControlCharacters, isAscii, show } from './text.js';

/**
 * Okta's primary email is stricter than RFC 5322 (efs-facts.md, "Okta's rules for the primary
 * email"; https://developer.okta.com/docs/reference/api/schemas/ for the 5–100 length): ASCII only,
 * top-level domain of 2–20 letters, no leading, trailing or double dots. Logins follow RFC 6531 and
 * may contain Unicode.
 */
export const EMAIL_MIN = 5;
export const EMAIL_MAX = 100;
export const LOGIN_MIN = 5;
export const LOGIN_MAX = 100;

// RFC 5322 atext; dots are checked separately so that the message can say what is wrong with them.
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^[A-Za-z]{2,20}$/;
const UNICODE_LOCAL = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const UNICODE_DOMAIN = /^([\p{L}\p{N}\p{M}]([\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?\.)+[\p{L}\p{M}]{2,63}$/u;

/**
 * The domain is lower-cased (domains are case-insensitive; mail servers never care). The local part
 * is kept as given: RFC 5321 lets a server treat it case-sensitively, and Okta compares logins
 * case-insensitively anyway (records/login-key.ts), so lower-casing it would only change what the
 * user sees.
 */
export function normalizeAddress(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  const domain = value.slice(at + 1);
  const lower = domain.toLowerCase();
  return lower === domain ? value : value.slice(0, at + 1) + lower;
}

/** Why Okta would refuse `email` as a primary email, or null. */
export function emailProblem(email: string): Failure | null {
  const shown = show(email);
  if (hasControlCharacters(email)) {
    return fail('email.control_characters', `email ${shown} contains a control character (${firstControlCharacter(email)}): fix the address in the source`);
  }
  const mark = firstBidiMark(email);
  if (mark) return fail('email.control_characters', invisibleMark('email', shown, mark));
  if (email.length < EMAIL_MIN) return fail('email.too_short', `email ${shown} is shorter than ${EMAIL_MIN} characters: not a usable address; fix it in the source`);
  if (email.length > EMAIL_MAX) return fail('email.too_long', `email ${shown} is ${email.length} characters long; Okta allows at most ${EMAIL_MAX}: the user needs a shorter address`);
  if (email.startsWith('"')) return fail('email.invalid', `email ${shown} has a quoted local part: Okta does not accept quoted addresses; the customer must provide a plain address`);
  const at = email.indexOf('@');
  if (at < 0) return fail('email.invalid', `email ${shown} is not an email address (no @): fix the value in the source`);
  if (email.indexOf('@', at + 1) >= 0) return fail('email.invalid', `email ${shown} has more than one @: fix the value in the source`);
  if (/\s/u.test(email)) return fail('email.invalid', `email ${shown} contains a space: fix the value in the source`);
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local === '' || domain === '') return fail('email.invalid', `email ${shown} has an empty ${local === '' ? 'local part' : 'domain'}: fix the value in the source`);
  if (!isAscii(email)) return nonAscii(email, local, domain);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return fail('email.dots', `email ${shown} has a leading, trailing or double dot before the @: Okta rejects such addresses; the customer must fix the address`);
  }
  if (!ATEXT.test(local)) {
    const bad = [...local].find((c) => !ATEXT.test(c)) ?? '?';
    return fail('email.invalid', `email ${shown} has a character Okta does not accept before the @ (${JSON.stringify(bad)}): fix the address in the source`);
  }
  if (local.length > 64) return fail('email.invalid', `email ${shown} has more than 64 characters before the @: not a valid address`);
  if (domain.startsWith('[')) return fail('email.invalid', `email ${shown} has an IP address as its domain: Okta needs a domain name`);
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) {
    return fail('email.dots', `email ${shown} has a leading, trailing or double dot in the domain: fix the address in the source`);
  }
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (labels.length < 2) return fail('email.tld', `email ${shown} has no top-level domain (the domain ${show(domain)} has no dot): fix the address in the source`);
  const badLabel = labels.find((l) => !LABEL.test(l));
  if (badLabel !== undefined) return fail('email.invalid', `email ${shown}: the domain part ${show(badLabel)} is not a valid host name (letters, digits and inner hyphens only)`);
  if (!TLD.test(tld)) return fail('email.tld', `email ${shown} has the top-level domain ${show(tld)}; Okta accepts 2–20 letters: fix the address in the source`);
  return null;
}

/** A bidi mark is invisible: the address looks right and is another one (often pasted from right-to-left text). */
function invisibleMark(what: string, shown: string, mark: string): string {
  return `${what} ${shown} contains an invisible bidi character (${mark}, a left-to-right or right-to-left mark, e.g. pasted next to right-to-left text): remove it in the source`;
}

function nonAscii(email: string, local: string, domain: string): Failure {
  const bad = [...email].find((c) => !isAscii(c)) ?? '?';
  const shown = show(email);
  if (isAscii(local)) {
    const ascii = domainToASCII(domain);
    const alt = ascii ? ` (its ASCII form is ${ascii}; use it if the mailbox receives mail there)` : '';
    return fail('email.non_ascii', `email ${shown} has an internationalized domain: Okta rejects non-ASCII characters in the primary email${alt}; the customer must fix the address`);
  }
  return fail('email.non_ascii', `email ${shown} contains ${JSON.stringify(bad)}: Okta rejects Unicode (accents, umlauts, …) in the primary email; the customer must fix the address (e.g. the ASCII spelling the mailbox also receives)`);
}

/** Why Okta would refuse `login` as a login (default schema: an email address, RFC 6531), or null. */
export function loginProblem(login: string): Failure | null {
  const shown = show(login);
  if (hasControlCharacters(login)) {
    return fail('login.control_characters', `login ${shown} contains a control character (${firstControlCharacter(login)}): fix it in the source`);
  }
  const mark = firstBidiMark(login);
  if (mark) return fail('login.control_characters', invisibleMark('login', shown, mark));
  if (login.length < LOGIN_MIN) return fail('login.too_short', `login ${shown} is shorter than ${LOGIN_MIN} characters: Okta requires 5–100`);
  if (login.length > LOGIN_MAX) return fail('login.too_long', `login ${shown} is ${login.length} characters long; Okta allows at most ${LOGIN_MAX}`);
  const at = login.lastIndexOf('@');
  if (at <= 0 || !UNICODE_LOCAL.test(login.slice(0, at)) || !UNICODE_DOMAIN.test(login.slice(at + 1))) {
    return fail('login.invalid', `login ${shown} is not in the form of an email address, which Okta's default user schema requires: map another login column or fix the value`);
  }
  return null;
}

/** The lower-cased domain of an address, or null. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at < 0 ? null : email.slice(at + 1).toLowerCase();
}
