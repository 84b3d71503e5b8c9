/**
 * Messages name the key, never a secret value. A token pasted where a section belongs
 * (`okta: 00abc…`), a PEM key pasted where its file name belongs (`privateKeyFile: -----BEGIN …`)
 * or a password written into `passwordFile` would otherwise be echoed back by the error that
 * reports the mistake, onto a terminal, a ticket or a CI log.
 */

/** Config keys whose value is, names or may hold a credential. */
const SECRET_KEYS = [/^okta$/, /^okta\.oauth(\.|$)/, /^database$/, /^database\.(passwordFile|passwordEnv|tls|tls\.ca)$/];

export function isSecretKey(key: string): boolean {
  return SECRET_KEYS.some((re) => re.test(key));
}

/**
 * A value shaped like a credential: PEM text, several lines, a JWT, an Okta API token (42
 * characters starting "00": https://developer.okta.com/docs/guides/create-an-api-token/), or a long
 * run of token characters with nothing of a host name or path in it.
 */
export function looksLikeSecret(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim();
  if (v.includes('-----BEGIN') || /[\r\n]/.test(v)) return true;
  if (/^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./.test(v)) return true;
  if (/^00[A-Za-z0-9_-]{38,}$/.test(v)) return true;
  return v.length >= 24 && /^[A-Za-z0-9_+=~-]+$/.test(v);
}

/** ` (got "value")` for a message, or a description without the value when it may be a secret. */
export function gotText(key: string, value: unknown): string {
  if (value === undefined) return '';
  if (isSecretKey(key) || looksLikeSecret(value)) {
    const what = typeof value === 'string' ? `a text of ${value.length} characters` : Array.isArray(value) ? 'a list' : `a ${value === null ? 'null' : typeof value}`;
    return ` (got ${what}; not shown, it may be a secret)`;
  }
  return ` (got ${JSON.stringify(value)})`;
}

/**
 * A file name from a setting that names a secret file (`--token-file`, `privateKeyFile`,
 * `passwordFile`), for a message; or a note instead of it when the "name" looks like the secret
 * itself (PEM text, a token).
 */
export function secretFileName(file: string): string {
  const base = file.split(/[/\\]/).pop() ?? file;
  if (looksLikeSecret(file) || looksLikeSecret(base)) return '(name not shown: the setting seems to hold the secret itself, not the name of a file)';
  return file;
}

/** The key itself pasted where its file name belongs: said without echoing a line of it. */
export const INLINE_KEY_MESSAGE =
  "okta.oauth.privateKeyFile holds the key itself, not the name of a file (the value is not shown): save the key in a file only you can read (chmod 600) and put that file's path here";
