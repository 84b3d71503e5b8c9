import type { SourceRow } from '../core/source-row.js';
import { fail, type Failure } from '../records/reasons.js';
import { cleanText, hasControlCharacters, show } from '../records/text.js';
import type { PortalColumns, PortalRecord } from '../records/types.js';

/**
 * Okta's OIDC redirect URIs must be absolute https URIs (http only for a local host), without a
 * fragment (RFC 6749 §3.1.2) and without user info; a wildcard is only allowed under a special org
 * setting that we do not rely on (https://developer.okta.com/docs/guides/sign-into-web-app-redirect/).
 * A portal's base URL is checked by the same rules, since its callback URI is derived from it.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export type UrlCheck = { url: string } | { failure: Failure };

/** Validates one URL; `what` names it in messages (`url`, `redirect URI`). Returns it normalized. */
export function checkUrl(value: string, what: string): UrlCheck {
  const shown = show(value);
  const bad = (reason: Parameters<typeof fail>[0], why: string): UrlCheck => ({ failure: fail(reason, `${what} ${shown} ${why}`) });
  if (hasControlCharacters(value) || /\s/u.test(value)) return bad('url.invalid', 'contains a space or control character: fix it in the source');
  if (value.includes('*')) return bad('url.wildcard', 'contains a wildcard (*): Okta needs each exact URL; list them one by one');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    const hint = /^[a-z][a-z0-9+.-]*:/i.test(value) ? '' : ' (it has no scheme: write https://…)';
    return bad('url.invalid', `is not an absolute URL${hint}: fix it in the source`);
  }
  if (url.username || url.password) return bad('url.credentials', 'contains a user name or password: remove them (never put credentials in a URL)');
  if (value.includes('#')) return bad('url.fragment', 'has a #fragment: Okta redirect URIs must not have one; remove it');
  const loopback = LOOPBACK.has(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return bad('url.not_https', `uses ${url.protocol.replace(':', '')}: Okta requires https (http only for localhost/127.0.0.1)`);
  }
  if (!loopback && !validHost(url.hostname)) return bad('url.invalid', `has the host ${show(url.hostname)}, which is not a valid host name: fix it in the source`);
  return { url: url.href };
}

function validHost(host: string): boolean {
  if (host.startsWith('[')) return true; // IPv6 literal, already parsed by URL
  if (IPV4.test(host)) return true;
  const labels = host.split('.');
  if (labels.length < 2) return false;
  return labels.every((l) => LABEL.test(l)) && /^[a-z][a-z0-9-]*$/.test(labels[labels.length - 1] ?? '');
}

/** A base URL without the trailing slash, so `${baseUrl}${callbackPath}` never doubles it. */
function asBase(href: string): string {
  const url = new URL(href);
  url.pathname = url.pathname.replace(/\/+$/, '');
  const s = url.href;
  return s.endsWith('/') && url.search === '' ? s.slice(0, -1) : s;
}

/** One source row → one portal record (pending, or invalid with the first failing reason). */
export function normalizePortal(row: SourceRow, columns: PortalColumns): PortalRecord {
  const get = (column: string | undefined): string | null => (column === undefined ? null : cleanText(row.values[column]));
  const key = get(columns.key);
  const name = get(columns.name);
  const urlValue = get(columns.url);
  const failures: Failure[] = [];
  let baseUrl: string | null = null;
  if (name === null) failures.push(fail('name.missing', `no portal name in "${columns.name}": the Okta app needs a label; add the name in the source`));
  else if (hasControlCharacters(name)) failures.push(fail('name.control_characters', `portal name ${show(name)} contains control characters: fix it in the source`));
  if (urlValue === null) {
    failures.push(fail('url.missing', `no URL in "${columns.url}": the portal's redirect URI is derived from it; add it in the source`));
  } else {
    const checked = checkUrl(urlValue, 'url');
    if ('failure' in checked) failures.push(checked.failure);
    else baseUrl = asBase(checked.url);
  }
  const redirectUris: string[] = [];
  const extra = get(columns.redirectUris);
  if (extra !== null) {
    for (const uri of extra.split(/[\s,]+/u).filter((u) => u !== '')) {
      const checked = checkUrl(uri, 'redirect URI');
      if ('failure' in checked) failures.push(checked.failure);
      else if (!redirectUris.includes(checked.url)) redirectUris.push(checked.url);
    }
  }
  const record: PortalRecord = { key: key ?? `(line ${row.line})`, ...(key === null ? { keyMadeUp: true } : {}), line: row.line, name, baseUrl, redirectUris, classification: { state: 'pending' } };
  if (row.problem) record.classification = { state: 'invalid', reason: row.problem.code, message: row.problem.message };
  else if (key === null) record.classification = { state: 'invalid', reason: 'key.missing', message: `line ${row.line}: the key column "${columns.key}" is empty: every portal needs its source key; fix the export` };
  else if (failures.length > 0) {
    const [first, ...others] = failures as [Failure, ...Failure[]];
    const also = others.length > 0 ? ` (also: ${others.map((f) => f.reason).join(', ')})` : '';
    record.classification = { state: 'invalid', reason: first.reason, message: `${first.message}${also}` };
  }
  return record;
}
