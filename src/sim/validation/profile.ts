/**
 * Okta's default user schema (https://developer.okta.com/docs/reference/api/schemas/):
 * login 5–100 chars, an email address by default (RFC 6531: Unicode allowed); email 5–100, RFC 5322;
 * firstName/lastName 1–50 and required. On top of RFC 5322 Okta rejects some primary emails that the
 * RFC allows (efs-facts.md, "Okta's rules for the primary email"): non-ASCII characters, a top-level
 * domain outside 2–20 letters, and leading/trailing/double dots in the local part.
 * Each problem is one "field: message" cause of an E0000001.
 */
export interface ProfileInput {
  login?: unknown;
  email?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  [key: string]: unknown;
}

const LOGIN_MAX = 100;
const EMAIL_MAX = 100;
const MIN = 5;
const NAME_MAX = 50;

// RFC 5322 atext (plus dots between atoms); Okta accepts only ASCII here.
const ASCII_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const ASCII_DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,20}$/;
// RFC 6531: any Unicode letter or digit is allowed in a login's local part and domain labels.
const UNICODE_LOCAL = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const UNICODE_DOMAIN = /^([\p{L}\p{N}\p{M}]([\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?\.)+[\p{L}\p{M}]{2,63}$/u;

function splitAddress(s: string): [string, string] | null {
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  return [s.slice(0, at), s.slice(at + 1)];
}

/** A login Okta accepts as "in the form of an email address" (RFC 6531). */
export function isLoginEmail(s: string): boolean {
  const parts = splitAddress(s);
  if (!parts) return false;
  return UNICODE_LOCAL.test(parts[0]) && UNICODE_DOMAIN.test(parts[1]);
}

/** Why Okta would refuse `s` as a primary email, or null when it is accepted. */
export function primaryEmailProblem(s: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) return 'Does not match required pattern (non-ASCII characters are not allowed)';
  const parts = splitAddress(s);
  if (!parts) return 'Does not match required pattern';
  const [local, domain] = parts;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'Does not match required pattern (dots in the local part)';
  }
  if (local.length > 64 || !ASCII_LOCAL.test(local)) return 'Does not match required pattern';
  if (!ASCII_DOMAIN.test(domain)) return 'Does not match required pattern (domain or top-level domain)';
  return null;
}

function lengthProblem(field: string, v: string, min: number, max: number): string | null {
  if (v.length < min) return `${field}: The field is too short (minimum ${min} characters)`;
  if (v.length > max) return `${field}: The field is too long (maximum ${max} characters)`;
  return null;
}

/**
 * `locale`: ISO 639-1 language, `_`, ISO 3166-1 country (`en_US`); `preferredLanguage`: an RFC 7231
 * language tag (`de`, `de-CH`). Okta Management OpenAPI, UserProfile and BaseContextUserProfile
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/): "A locale value
 * is a concatenation of the ISO 639-1 two-letter language code, an underscore, and the ISO 3166-1
 * two-letter country code". Okta refuses any other value with E0000001, so `de` or `de-DE` in
 * `locale` refuses the whole create or update.
 */
const LOCALE = /^[a-z]{2}_[A-Z]{2}$/;
// RFC 7231 section 3.1.3.1 → RFC 5646 language tag: a 2–3 (or 5–8) letter language and subtags of 1–8 alphanumerics.
const LANGUAGE_TAG = /^([A-Za-z]{2,3}|[A-Za-z]{5,8})(-[A-Za-z0-9]{1,8})*$/;

function languageProblems(p: ProfileInput, out: string[]): void {
  if (p.locale !== undefined && p.locale !== null && (typeof p.locale !== 'string' || !LOCALE.test(p.locale))) {
    out.push('locale: Invalid locale, expected language_COUNTRY as ISO 639-1 and ISO 3166-1 (e.g. en_US)');
  }
  if (p.preferredLanguage !== undefined && p.preferredLanguage !== null && (typeof p.preferredLanguage !== 'string' || !LANGUAGE_TAG.test(p.preferredLanguage))) {
    out.push('preferredLanguage: Invalid language tag, expected an RFC 7231 language tag (e.g. en, de-CH)');
  }
}

/** All schema problems of a complete profile, as E0000001 causes; empty when valid. */
export function profileProblems(p: ProfileInput): string[] {
  const out: string[] = [];
  const str = (field: string, v: unknown): string | null => {
    if (v === undefined || v === null || v === '') {
      out.push(`${field}: The field cannot be left blank`);
      return null;
    }
    if (typeof v !== 'string') {
      out.push(`${field}: Field must be a string`);
      return null;
    }
    return v;
  };
  const login = str('login', p.login);
  if (login !== null) {
    const lp = lengthProblem('login', login, MIN, LOGIN_MAX);
    if (lp) out.push(lp);
    else if (!isLoginEmail(login)) out.push('login: Username must be in the form of an email address');
  }
  const email = str('email', p.email);
  if (email !== null) {
    const ep = lengthProblem('email', email, MIN, EMAIL_MAX);
    const problem = ep ?? primaryEmailProblem(email);
    if (problem) out.push(ep ?? `email: ${problem}`);
  }
  for (const field of ['firstName', 'lastName'] as const) {
    const v = str(field, p[field]);
    if (v !== null) {
      const np = lengthProblem(field, v, 1, NAME_MAX);
      if (np) out.push(np);
    }
  }
  languageProblems(p, out);
  return out;
}
